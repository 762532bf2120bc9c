package verdict.lib.euaiact.derogation_test

import data.verdict.lib.euaiact.derogation
import data.verdict.test.fixtures

test_derogation_applies_for_each_task if {
	every purpose, _ in data.verdict.config.euaiact.derogation.purposes {
		derogation.applies with input as fixtures.with_profile({"useCase": "recruitment", "derogation": purpose})
	}
}

test_profiling_override if {
	changes := {"useCase": "recruitment", "derogation": "narrow_procedural_task", "profiling": true}
	not derogation.applies with input as fixtures.with_profile(changes)
	derogation.refused with input as fixtures.with_profile(changes)
}

test_no_derogation_without_an_annex_iii_use if {
	not derogation.applies with input as fixtures.with_profile({"derogation": "preparatory_task"})
	not derogation.refused with input as fixtures.with_profile({"derogation": "preparatory_task", "profiling": true})
}

test_no_derogation_unclaimed if {
	not derogation.applies with input as fixtures.with_profile({"useCase": "recruitment"})
	not derogation.refused with input as fixtures.with_profile({"useCase": "recruitment", "profiling": true})
}

test_known_values if {
	derogation.known(null)
	derogation.known("preparatory_task")
	not derogation.known("cosmetic")
	not derogation.known(true)
}
