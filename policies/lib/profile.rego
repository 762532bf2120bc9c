# METADATA
# title: AI-system profile
# description: |
#   The profile a model package names in its CustomerMetadataProperties (key verdict:profile):
#   structured answers about what the AI system is for and how it works. Everything the
#   policies classify comes from it, so a package without one is denied. The gate validates
#   the profile's schema before evaluation; this package only tells a missing profile from
#   one that is not a JSON object.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 11 and Annex IV (technical documentation)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.profile

config := data.verdict.config.profile

# METADATA
# title: The input carries a profile (null means the package names none or it was not found)
# scope: document
default supplied := false

supplied if input.profile != null

# METADATA
# title: The input carries a profile that is a JSON object
# scope: document
default present := false

present if is_object(input.profile)

# METADATA
# title: Profile missing
# description: The model package names no profile, or the profile could not be found.
# custom:
#   reference: Art. 11 / Annex IV
violations contains violation if {
	not supplied
	violation := {
		"rule": config.missing.rule,
		"severity": config.missing.severity,
		"message": "The model package names no AI-system profile, or the profile it names could not be found.",
		"reference": config.missing.reference,
		"remediation": config.missing.remediation,
	}
}

# METADATA
# title: Profile is not a JSON object
# custom:
#   reference: Art. 11 / Annex IV
violations contains violation if {
	supplied
	not present
	violation := {
		"rule": config.invalid.rule,
		"severity": config.invalid.severity,
		"message": sprintf("The AI-system profile is a %s, not a JSON object.", [type_name(input.profile)]),
		"reference": config.invalid.reference,
		"remediation": config.invalid.remediation,
	}
}
