# METADATA
# title: High-risk AI systems (Art. 6(1) and 6(2), Annex I and Annex III)
# description: |
#   The Annex III points the system's use falls under (Art. 6(2)), with the exclusions the Annex
#   makes (fraud detection, travel-document verification, election logistics, 1:1 biometric
#   verification), and the Annex I route (Art. 6(1)): a safety component of a product, or a
#   product, under Annex I legislation that must undergo a third-party conformity assessment.
#   Whether an Annex III system is high-risk also depends on the Art. 6(3) derogation
#   (package verdict.lib.euaiact.derogation). The tables are policy data
#   (data.verdict.config.euaiact.high_risk).
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 6, Annex I and Annex III, as amended by Regulation (EU) 2026/1744
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact.high_risk

import data.verdict.lib.euaiact.prohibited

config := data.verdict.config.euaiact.high_risk

# METADATA
# title: Annex III point of the system's use case
# description: |
#   The useCase table maps each use to its point; the excluded uses (financial fraud detection
#   from 5(b), travel-document verification from 7(d), election logistics from 8(b)) and the uses
#   outside Annex III are not in it.
# scope: rule
annex_iii_points contains config.annexIII.useCases[input.profile.useCase]

# METADATA
# title: Annex III point 1(a) - remote biometric identification
# description: |
#   Not 1:1 verification (biometrics.function verification). Real-time identification in publicly
#   accessible spaces for law enforcement is 1(a) only when Art. 5(1)(h) permits it.
# scope: rule
annex_iii_points contains config.annexIII.biometricFunctions.remote_identification if {
	input.profile.biometrics.function == "remote_identification"
	not "h" in prohibited.practices
}

# METADATA
# title: Annex III point 1(b) - biometric categorisation by sensitive or protected attributes
# description: |
#   Categorisation that infers at least one sensitive or protected attribute and is not
#   prohibited by Art. 5(1)(g).
# scope: rule
annex_iii_points contains config.annexIII.biometricFunctions.categorisation if {
	input.profile.biometrics.function == "categorisation"
	count(input.profile.biometrics.inferredAttributes) > 0
	not "g" in prohibited.practices
}

# METADATA
# title: Annex III point 1(c) - emotion recognition
# description: |
#   Emotion recognition that Art. 5(1)(f) does not prohibit (outside work and education, or for
#   medical or safety reasons).
# scope: rule
annex_iii_points contains config.annexIII.biometricFunctions.emotion_recognition if {
	input.profile.biometrics.function == "emotion_recognition"
	not "f" in prohibited.practices
}

# METADATA
# title: The Annex III points in the Annex's order
ordered_points := sort(annex_iii_points)

# METADATA
# title: Art. 6(1) - safety component of, or itself, an Annex I product needing third-party conformity assessment
# description: |
#   Both conditions must hold. Regulation (EU) 2026/1744 narrows both; the profile's answers
#   (annexI.safetyComponent, annexI.thirdPartyConformityAssessment) must follow the narrowed
#   definitions in data.verdict.config.euaiact.high_risk.annexI.omnibusFilters.
annex_i if {
	is_string(input.profile.annexI.legislation)
	input.profile.annexI.legislation != ""
	input.profile.annexI.safetyComponent == true
	input.profile.annexI.thirdPartyConformityAssessment == true
}

# METADATA
# title: useCase values the Annex III tables know (with a point, excluded, or outside Annex III)
known_use_cases := (object.keys(config.annexIII.useCases) | object.keys(config.annexIII.exclusions)) | {use_case |
	some use_case in config.annexIII.outsideAnnexIII
}

# METADATA
# title: biometrics.function values the Annex III tables know
known_biometric_functions := (object.keys(annex.biometricFunctions) | object.keys(annex.biometricExclusions)) | {f |
	some f in annex.noBiometricFunction
}

annex := config.annexIII
