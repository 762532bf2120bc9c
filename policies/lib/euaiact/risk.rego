# METADATA
# title: Risk class under the AI Act, in the Act's order of evaluation
# description: |
#   1. Prohibited (Art. 5) wins over everything.
#   2. High-risk via Art. 6(1) (Annex I products) or Art. 6(2) (an Annex III use), unless the
#      Art. 6(3) derogation applies to the Annex III use (never when the system profiles people).
#   3. Limited when only transparency duties (Art. 50) apply.
#   4. Otherwise minimal.
#   GPAI is a separate axis and does not change the class. Without a profile that is a JSON
#   object, or with profile values the classification tables do not know, the class is unknown
#   (and a violation says which value): an unknown value never passes as minimal risk.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Arts. 5, 6 and 50, Annexes I and III
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact.risk

import data.verdict.lib.euaiact.derogation
import data.verdict.lib.euaiact.gpai
import data.verdict.lib.euaiact.high_risk
import data.verdict.lib.euaiact.prohibited
import data.verdict.lib.euaiact.transparency
import data.verdict.lib.profile
import data.verdict.lib.text

config := data.verdict.config.euaiact

# METADATA
# title: High-risk by an Annex III use (Art. 6(2)) that the derogation does not take out
via_annex_iii if {
	count(high_risk.annex_iii_points) > 0
	not derogation.applies
}

# METADATA
# title: High-risk as an Annex I product or safety component (Art. 6(1))
via_annex_i if high_risk.annex_i

# METADATA
# title: High-risk by either route
# scope: document
high if via_annex_iii

high if via_annex_i

# METADATA
# title: Risk class - prohibited, high, limited, minimal, or unknown when the profile does not allow a classification
# scope: document
default class := "minimal"

class := "prohibited" if {
	count(prohibited.practices) > 0
} else := "unknown" if {
	not profile.present
} else := "high" if {
	high
} else := "unknown" if {
	count(unclassifiable) > 0
} else := "limited" if {
	count(transparency.duties) > 0
}

# METADATA
# title: The Annex III point the use falls under (the first in the Annex's order), also when derogated; null if none
# scope: document
default annex_iii := null

annex_iii := high_risk.ordered_points[0]

# METADATA
# title: The Art. 6(3) derogation takes the system's Annex III use out of the high-risk class
# scope: document
default derogated := false

derogated := derogation.applies

# METADATA
# title: The references that decided the class and the GPAI tier, most decisive first
basis := array.concat(class_basis, gpai.basis)

# METADATA
# title: The references that decided the class
# description: |
#   prohibited: the Art. 5(1) points; high: Art. 6(1), then Art. 6(2) with the Annex III points,
#   then Art. 6(3) when the profiling override refused a claimed derogation; limited: the Art. 50
#   paragraphs, then Art. 6(3) with the Annex III points when derogated; minimal: Art. 6(3) with
#   the Annex III points when derogated, else nothing.
# scope: document
default class_basis := []

class_basis := prohibited.references if class == "prohibited"

class_basis := array.flatten([annex_i_basis, annex_iii_basis, refused_basis]) if class == "high"

class_basis := array.concat(transparency.references, derogated_basis) if class == "limited"

class_basis := derogated_basis if class == "minimal"

default annex_i_basis := []

annex_i_basis := [config.high_risk.annexI.reference] if via_annex_i

default annex_iii_basis := []

annex_iii_basis := array.concat([config.high_risk.annexIII.reference], point_references) if via_annex_iii

default refused_basis := []

refused_basis := [config.derogation.reference] if derogation.refused

default derogated_basis := []

derogated_basis := array.concat([config.derogation.reference], point_references) if derogation.applies

point_references := [sprintf(config.high_risk.annexIII.pointReference, [point]) |
	some point in high_risk.ordered_points
]

# METADATA
# title: Profile values the classification tables do not know
# description: A value outside the tables cannot be classified, so it must not pass as minimal risk.
# scope: document
unclassifiable contains sprintf("useCase %s", [text.of(use_case)]) if {
	profile.present
	use_case := object.get(input.profile, "useCase", null)
	not use_case in high_risk.known_use_cases
}

unclassifiable contains sprintf("biometrics.function %s", [text.of(function)]) if {
	function := input.profile.biometrics.function
	not function in high_risk.known_biometric_functions
}

unclassifiable contains sprintf("role %s", [text.of(role)]) if {
	profile.present
	role := object.get(input.profile, "role", null)
	not role in object.keys(config.obligations.holdersByRole)
}

unclassifiable contains sprintf("deployerType %s", [text.of(deployer_type)]) if {
	deployer_type := input.profile.deployerType
	not deployer_type in config.obligations.deployerTypes
}

unclassifiable contains sprintf("derogation %s", [text.of(value)]) if {
	profile.present
	value := object.get(input.profile, "derogation", null)
	not derogation.known(value)
}

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
