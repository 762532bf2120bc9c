# METADATA
# title: Prohibited AI practices (Art. 5)
# description: |
#   The practices of Art. 5(1) that the AI-system profile declares. A prohibited practice
#   wins over every other classification and denies the model package. The points, their
#   conditions, the dates they apply from and the remediation text are policy data
#   (data.verdict.config.prohibited); this package holds the logic of each condition.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 5, as amended by Regulation (EU) 2026/1744
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.prohibited

import data.verdict.lib.dates

config := data.verdict.config.prohibited

# METADATA
# title: Prohibited practices that apply on the evaluation date
# description: The Art. 5(1) points (a, b, ba, ...) found in the profile whose prohibition applies on input.asOf.
practices contains point if {
	some point, _ in grounds
	dates.in_force(config.practices[point].appliesFrom)
}

# METADATA
# title: Art. 5(1)(a), (b), (ba), (bb), (c), (d), (e) - practices the profile declares in its art5 answers
# description: |
#   A practice counts when its art5 flag is true and so is every flag it requires:
#   (a) and (b) count only when significant harm is caused or reasonably likely
#   (art5.significantHarmLikely).
grounds[point] := sprintf("the profile sets %s to true", [concat(" and ", flags)]) if {
	some point, practice in config.practices
	input.profile.art5[practice.flag] == true
	requires := object.get(practice, "requires", [])
	every required in requires {
		input.profile.art5[required] == true
	}
	flags := [sprintf("art5.%s", [flag]) | some flag in array.concat([practice.flag], requires)]
}

# METADATA
# title: Art. 5(1)(f) - emotion recognition in the workplace or in education
# description: Inferring emotions at work or in education institutions, unless for medical or safety reasons.
grounds["f"] := sprintf("biometrics.function is emotion_recognition in the setting %s, without a medical or safety reason", [setting]) if {
	input.profile.biometrics.function == "emotion_recognition"
	setting := input.profile.biometrics.setting
	setting in config.emotionRecognition.prohibitedSettings
	not input.profile.biometrics.medicalOrSafetyReason == true
}

# METADATA
# title: Art. 5(1)(g) - biometric categorisation by sensitive attributes
# description: |
#   Categorising people by their biometric data to infer race, political opinions, trade union
#   membership, religious or philosophical beliefs, sex life or sexual orientation.
#   Categorisation by other attributes (age, disability, ...) is Annex III 1(b), not prohibited.
grounds["g"] := sprintf("biometrics.function is categorisation and it infers %s", [concat(", ", sensitive_attributes)]) if {
	input.profile.biometrics.function == "categorisation"
	count(sensitive_attributes) > 0
}

# METADATA
# title: The Art. 5(1)(g) attributes that the biometric categorisation infers
sensitive_attributes := sort([attribute |
	some attribute in input.profile.biometrics.inferredAttributes
	attribute in config.biometricCategorisation.prohibitedAttributes
])

# METADATA
# title: Art. 5(1)(h) - real-time remote biometric identification in public for law enforcement
# description: |
#   Prohibited unless strictly necessary for one of the objectives of Art. 5(1)(h)(i)-(iii)
#   (victim search, an imminent threat, locating a suspect) and authorised beforehand by a
#   judicial or independent administrative authority.
grounds["h"] := "biometrics describes real-time remote identification in a publicly accessible space for law enforcement, without a permitted objective and prior authorisation" if {
	input.profile.biometrics.function == "remote_identification"
	input.profile.biometrics.realtime == true
	input.profile.biometrics.publiclyAccessibleSpace == true
	for_law_enforcement
	not permitted_law_enforcement_use
}

# METADATA
# title: The system is used for law enforcement (by its deployer, or by the objective the profile names)
for_law_enforcement if input.profile.deployerType in config.remoteIdentification.lawEnforcementDeployerTypes

for_law_enforcement if {
	objective := input.profile.biometrics.lawEnforcement.objective
	is_string(objective)
	objective != "none"
}

# METADATA
# title: A use for a permitted objective, authorised beforehand
permitted_law_enforcement_use if {
	input.profile.biometrics.lawEnforcement.objective in config.remoteIdentification.permittedObjectives
	input.profile.biometrics.lawEnforcement.priorAuthorisation == true
}

# METADATA
# title: One violation per prohibited practice
violations contains violation if {
	some point in practices
	practice := config.practices[point]
	violation := {
		"rule": practice.rule,
		"severity": config.severity,
		"message": sprintf("Prohibited practice: %s; %s.", [practice.title, grounds[point]]),
		"reference": practice.reference,
		"remediation": practice.remediation,
	}
}
