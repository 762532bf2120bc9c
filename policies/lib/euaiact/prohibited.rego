# METADATA
# title: Prohibited AI practices (Art. 5)
# description: |
#   The practices of Art. 5(1) that the AI-system profile declares, with their conditions and
#   exceptions. A prohibited practice wins over every other classification and denies the model
#   package; it can never be waived. The points, their text, conditions, the dates they apply
#   from and the remediation text are policy data (data.verdict.config.euaiact.prohibited); this
#   package holds the logic of each condition.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 5, as amended by Regulation (EU) 2026/1744
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact.prohibited

import data.verdict.lib.dates

config := data.verdict.config.euaiact.prohibited

# METADATA
# title: Prohibited practices that apply on the evaluation date
# description: The Art. 5(1) points (a, b, ba, ...) found in the profile whose prohibition applies on input.asOf.
practices contains point if {
	some point, _ in grounds
	dates.in_force(data.verdict.config.euaiact.dates[config.practices[point].dateOfApplication].from)
}

# METADATA
# title: The Art. 5(1) references of the practices, in the order of the points
references := [config.practices[point].reference | some point in sort(practices)]

# METADATA
# title: Art. 5(1)(a), (b), (ba), (bb), (c), (d), (e) - practices the profile declares in its art5 answers
# description: |
#   A practice counts when its art5 flag is true and so is every flag it requires:
#   (a) and (b) count only when significant harm is caused or reasonably likely
#   (art5.significantHarmLikely). (d) is the prediction of offending solely from profiling;
#   supporting a human assessment based on objective, verifiable facts is Annex III 6(d) instead.
# scope: rule
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
# description: |
#   Inferring emotions at work or in education institutions, unless for medical or safety
#   reasons (then the system is Annex III 1(c)).
# scope: rule
grounds["f"] := sprintf(
	"biometrics.function is emotion_recognition in the setting %s, without a medical or safety reason",
	[setting],
) if {
	input.profile.biometrics.function == "emotion_recognition"
	setting := input.profile.biometrics.setting
	setting in config.emotionRecognition.prohibitedSettings
	not input.profile.biometrics.medicalOrSafetyReason == true
}

# METADATA
# title: Art. 5(1)(g) - biometric categorisation by sensitive attributes
# description: |
#   Categorising people by their biometric data to infer race, political opinions, trade union
#   membership, religious or philosophical beliefs, sex life or sexual orientation. Not in the
#   area of law enforcement (its deployer types are policy data). Categorisation by other
#   attributes (age, disability, ...), or by law enforcement, is Annex III 1(b).
# scope: rule
grounds["g"] := sprintf(
	"biometrics.function is categorisation and it infers %s",
	[concat(", ", sensitive_attributes)],
) if {
	input.profile.biometrics.function == "categorisation"
	count(sensitive_attributes) > 0
	not input.profile.deployerType in config.biometricCategorisation.exemptDeployerTypes
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
#   judicial or independent administrative authority. A permitted use is Annex III 1(a).
# scope: rule
grounds["h"] := concat(" ", [
	"biometrics describes real-time remote identification in a publicly accessible space",
	"for law enforcement, without a permitted objective and prior authorisation",
]) if {
	realtime_public_identification_for_law_enforcement
	not permitted_law_enforcement_use
}

# METADATA
# title: Real-time remote biometric identification in a publicly accessible space for law enforcement
realtime_public_identification_for_law_enforcement if {
	input.profile.biometrics.function == "remote_identification"
	input.profile.biometrics.realtime == true
	input.profile.biometrics.publiclyAccessibleSpace == true
	for_law_enforcement
}

# METADATA
# title: The system is used for law enforcement (by its deployer, or by the objective the profile names)
# scope: document
for_law_enforcement if input.profile.deployerType in config.remoteIdentification.lawEnforcementDeployerTypes

for_law_enforcement if {
	objective := input.profile.biometrics.lawEnforcement.objective
	is_string(objective)
	objective != "none"
}

# METADATA
# title: A use for a permitted objective of Art. 5(1)(h)(i)-(iii), authorised beforehand (Art. 5(3))
permitted_law_enforcement_use if {
	input.profile.biometrics.lawEnforcement.objective in object.keys(config.remoteIdentification.objectives)
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
