# METADATA
# title: Derogation for Annex III systems (Art. 6(3)) and the profiling override
# description: |
#   An Annex III system is not high-risk when it poses no significant risk of harm and is intended
#   for one of the tasks of Art. 6(3)(a)-(d), which the profile names in its derogation answer.
#   Never when the system profiles natural persons (the profiling override): such a system stays
#   high-risk. A provider that relies on the derogation must document its assessment (Art. 6(4))
#   and register the system (Art. 49(2)); see package verdict.lib.euaiact.obligations.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 6(3) and 6(4)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact.derogation

import data.verdict.lib.euaiact.high_risk

config := data.verdict.config.euaiact.derogation

# METADATA
# title: The profile claims the derogation for one of the Art. 6(3)(a)-(d) tasks
claimed if input.profile.derogation in object.keys(config.purposes)

# METADATA
# title: The system profiles natural persons (the derogation is then never available)
profiling if input.profile.profiling == true

# METADATA
# title: The derogation applies - the system's Annex III use is not high-risk
applies if {
	count(high_risk.annex_iii_points) > 0
	claimed
	not profiling
}

# METADATA
# title: The derogation was claimed for an Annex III system but the profiling override refuses it
refused if {
	count(high_risk.annex_iii_points) > 0
	claimed
	profiling
}

# METADATA
# title: derogation values the tables know (null, or one of the tasks)
# scope: document
known(null)

known(value) if value in object.keys(config.purposes)
