# METADATA
# title: Risk classification (first cut)
# description: |
#   The risk class of the AI system, in the Act's order of evaluation:
#   prohibited (Art. 5) wins; then high-risk by an Annex III use (Art. 6(2)); then limited
#   when only transparency duties apply (Art. 50); otherwise minimal. Without a usable
#   profile, or with profile values outside the schema, the class is unknown.
#   Not yet evaluated: the Art. 6(3) derogation, Art. 6(1) (Annex I products) and GPAI.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Arts. 5, 6, 50 and Annex III
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.risk

import data.verdict.lib.profile
import data.verdict.lib.prohibited
import data.verdict.lib.text

config := data.verdict.config.risk

# METADATA
# title: Risk class
# description: |
#   prohibited, high, limited, minimal, or unknown when the profile does not allow a classification.
#   Always defined: the last alternative is minimal.
class := "prohibited" if {
	count(prohibited.practices) > 0
} else := "unknown" if {
	not profile.present
} else := "high" if {
	count(annex_iii) > 0
} else := "unknown" if {
	count(unclassifiable) > 0
} else := "limited" if {
	count(transparency) > 0
} else := "minimal"

# METADATA
# title: Annex III points of the system's use case (Art. 6(2))
annex_iii contains sprintf("Annex III %s", [point]) if {
	point := config.annexIII.useCases[input.profile.useCase]
	point != null
}

# METADATA
# title: Annex III point 1 - the system's biometric function
# description: Remote identification 1(a), categorisation 1(b), emotion recognition 1(c); 1:1 verification is not in Annex III.
annex_iii contains sprintf("Annex III %s", [point]) if {
	point := config.annexIII.biometricFunctions[input.profile.biometrics.function]
	point != null
}

# METADATA
# title: Transparency duties of Art. 50 that the profile's answers trigger
transparency contains reference if {
	some flag, reference in config.transparency
	input.profile.transparency[flag] == true
}

# METADATA
# title: Profile values the classification tables do not know
# description: A value outside the tables cannot be classified, so it must not pass as minimal risk.
unclassifiable contains sprintf("useCase %s", [text.of(use_case)]) if {
	profile.present
	use_case := object.get(input.profile, "useCase", null)
	not known(config.annexIII.useCases, use_case)
}

unclassifiable contains sprintf("biometrics.function %s", [text.of(function)]) if {
	function := input.profile.biometrics.function
	not known(config.annexIII.biometricFunctions, function)
}

known(table, value) if value in object.keys(table)

# METADATA
# title: Profile value outside the classification tables
# custom:
#   reference: Art. 6(2) / Annex III
violations contains violation if {
	some field in unclassifiable
	violation := {
		"rule": config.unclassifiable.rule,
		"severity": config.unclassifiable.severity,
		"message": sprintf("The AI-system profile cannot be classified: %s is not a known value.", [field]),
		"reference": config.unclassifiable.reference,
		"remediation": config.unclassifiable.remediation,
	}
}
