# METADATA
# title: Transparency obligations (Art. 50)
# description: |
#   The Art. 50 duties the system triggers. They stack on top of any risk class; a system whose
#   only duties are these is of limited risk. Which profile answer triggers which duty, the
#   holder of each duty and its text are policy data (data.verdict.config.euaiact.transparency).
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 50
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact.transparency

config := data.verdict.config.euaiact.transparency

# METADATA
# title: Art. 50(1), (2), (4) - duties triggered by a transparency answer of the profile
# description: |
#   50(1) interaction with natural persons, 50(2) synthetic audio, image, video or text,
#   50(4) deep fakes.
# scope: rule
duties contains duty if {
	some duty, spec in config.duties
	input.profile.transparency[spec.profileFlag] == true
}

# METADATA
# title: Art. 50(3) - emotion recognition or biometric categorisation
# description: |
#   Deployers inform the persons exposed; not for systems permitted by law to detect, prevent or
#   investigate criminal offences (law-enforcement deployers).
# scope: rule
duties contains duty if {
	some duty, spec in config.duties
	input.profile.biometrics.function in spec.biometricFunctions
	not input.profile.deployerType in spec.exemptDeployerTypes
}

# METADATA
# title: The duties in the order of the paragraphs
ordered := sort(duties)

# METADATA
# title: The Art. 50 references of the duties (Art. 50(1), ...)
references := [config.duties[duty].reference | some duty in ordered]
