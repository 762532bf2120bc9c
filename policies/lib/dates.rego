# METADATA
# title: Evaluation date
# description: |
#   Provisions of the AI Act apply from different dates (Art. 113). A gate evaluates
#   on the date it passes as input.asOf (YYYY-MM-DD); a provision applies when that
#   date is on or after the provision's appliesFrom date in the policy data.
#   Without a valid date every provision is taken to apply: the gate fails closed.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 113 (entry into force and application)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.dates

config := data.verdict.config.dates

# METADATA
# title: The evaluation date, when the gate passed a valid calendar date
as_of := input.asOf if {
	is_string(input.asOf)
	regex.match(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`, input.asOf)
}

# METADATA
# title: A provision that applies from the given date applies on the evaluation date
# description: ISO dates (YYYY-MM-DD) order as strings do.
# scope: document
in_force(applies_from) if as_of >= applies_from

in_force(_) if not as_of

# METADATA
# title: The evaluation date is missing or not a YYYY-MM-DD date
violations contains violation if {
	not as_of
	violation := {
		"rule": config.asOfInvalid.rule,
		"severity": config.asOfInvalid.severity,
		"message": "The gate passed no valid evaluation date (input.asOf, YYYY-MM-DD); every provision was taken to apply.",
		"reference": config.asOfInvalid.reference,
		"remediation": config.asOfInvalid.remediation,
	}
}
