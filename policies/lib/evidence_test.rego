package verdict.lib.evidence_test

import data.verdict.lib.evidence
import data.verdict.test.fixtures

test_no_missing_evidence_is_no_violation if {
	count(evidence.violations) == 0 with input as fixtures.gate_input
}

test_unreadable_bias_report if {
	violations := evidence.violations with input as {"evidence": {"missing": [{"kind": "bias_report", "source": "s3://b/analysis.json"}]}}
	violations == {{
		"rule": "evidence.unreadable",
		"severity": "high",
		"message": "The gate could not read evidence the model package names: SageMaker Clarify bias report at s3://b/analysis.json.",
		"reference": "Art. 10(2)(f)",
		"remediation": data.verdict.config.evidence.unreadable.remediation,
	}}
}

test_unknown_evidence_kind_cites_the_technical_documentation if {
	some v in evidence.violations with input as {"evidence": {"missing": [{"kind": "model_card"}]}}
	v.reference == "Art. 11 / Annex IV"
	v.message == "The gate could not read evidence the model package names: model_card."
}

test_one_violation_per_unreadable_item if {
	count(evidence.violations) == 2 with input as {"evidence": {"missing": [{"kind": "bias_report"}, {"kind": "model_card"}]}}
}

test_a_malformed_item_still_denies if {
	some v in evidence.violations with input as {"evidence": {"missing": [42]}}
	v.message == "The gate could not read evidence the model package names: 42."
}
