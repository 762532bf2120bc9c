package verdict.classify_test

import data.verdict.classify
import data.verdict.lib.euaiact
import data.verdict.test.fixtures

test_entrypoint_is_the_classification if {
	classification_input := {"profile": object.union(fixtures.profile, {"useCase": "creditworthiness"}), "asOf": "2026-11-28"}
	classification := classify.classification with input as classification_input
	classification == euaiact.classification with input as classification_input
	classification.riskClass == "high"
	classification.annexIII == "5(b)"
}
