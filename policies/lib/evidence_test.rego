package verdict.lib.evidence_test

import data.verdict.lib.evidence
import data.verdict.test.fixtures

test_no_missing_evidence_is_no_violation if {
	count(evidence.violations) == 0 with input as fixtures.gate_input
}

test_unreadable_bias_report if {
	violations := evidence.violations with input as {"evidence": {"missing": ["bias_report"]}}
	violations == {{
		"rule": "evidence.unreadable",
		"severity": "high",
		"message": "The model package names a SageMaker Clarify bias report (bias_report), but the gate could not read it.",
		"reference": "Art. 10(2)(f)",
		"remediation": data.verdict.config.evidence.unreadable.remediation,
	}}
}

test_unknown_evidence_kind_cites_the_technical_documentation if {
	some v in evidence.violations with input as {"evidence": {"missing": ["model_card"]}}
	v.reference == "Art. 11 / Annex IV"
	v.message == "The model package names a model_card (model_card), but the gate could not read it."
}

test_one_violation_per_unreadable_item if {
	count(evidence.violations) == 2 with input as {"evidence": {"missing": ["bias_report", "model_card"]}}
}
