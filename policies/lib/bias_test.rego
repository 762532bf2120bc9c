package verdict.lib.bias_test

import data.verdict.lib.bias
import data.verdict.test.fixtures

violations_of(changes, facets) := violations if {
	violations := bias.violations with input as fixtures.with_bias(changes, facets)
}

test_di_within_range_is_no_violation if {
	count(violations_of({}, fixtures.di("sex", "female", 0.95))) == 0
}

test_di_exactly_at_the_minimum_passes if {
	count(violations_of({}, fixtures.di("sex", "female", 0.8))) == 0
}

test_di_exactly_at_the_maximum_passes if {
	count(violations_of({}, fixtures.di("sex", "female", 1.25))) == 0
}

test_di_below_the_minimum if {
	violations_of({}, fixtures.di("sex", "female", 0.79)) == {{
		"rule": "bias.disparate_impact",
		"severity": "high",
		"message": "disparate impact (DI) for facet sex, value female, is 0.79: below the minimum 0.8.",
		"reference": "DI < 0.8",
		"remediation": data.verdict.config.bias.metrics.DI.remediation,
	}}
}

test_di_just_below_the_minimum if {
	[v.reference | some v in violations_of({}, fixtures.di("sex", "female", 0.7999999))] == ["DI < 0.8"]
}

test_di_above_the_maximum if {
	violations := violations_of({}, fixtures.di("age_over_40", 0, 1.26))
	[[v.rule, v.reference, v.message] | some v in violations] == [[
		"bias.disparate_impact",
		"DI > 1.25",
		"disparate impact (DI) for facet age_over_40, value 0, is 1.26: above the maximum 1.25.",
	]]
}

test_every_facet_and_value_is_checked if {
	facets := {
		"sex": [
			{"value": "female", "metrics": {"DI": 0.71}},
			{"value": "male", "metrics": {"DI": 1.0}},
		],
		"race": [
			{"value": "black", "metrics": {"DI": 0.62, "DPPL": 0.2}},
			{"value": "asian", "metrics": {"DI": 1.4}},
			{"value": "white", "metrics": {"CI": 0.3}},
		],
	}
	violations := violations_of({}, facets)
	{[v.rule, v.reference, v.message] | some v in violations} == {
		["bias.disparate_impact", "DI < 0.8", "disparate impact (DI) for facet sex, value female, is 0.71: below the minimum 0.8."],
		["bias.disparate_impact", "DI < 0.8", "disparate impact (DI) for facet race, value black, is 0.62: below the minimum 0.8."],
		["bias.disparate_impact", "DI > 1.25", "disparate impact (DI) for facet race, value asian, is 1.4: above the maximum 1.25."],
	}
}

test_metric_without_a_number if {
	violations := violations_of({}, fixtures.di("sex", "female", null))
	[[v.rule, v.severity, v.reference, v.message] | some v in violations] == [[
		"bias.metric_invalid",
		"high",
		"DI (SageMaker Clarify)",
		"disparate impact (DI) for facet sex, value female, is not a number (null).",
	]]
}

test_unchecked_metrics_are_ignored if {
	count(violations_of({}, {"sex": [{"value": "female", "metrics": {"DPPL": 0.9, "CI": "n/a"}}]})) == 0
}

test_range_is_policy_data if {
	count(violations_of({}, fixtures.di("sex", "female", 0.85))) == 1 with data.verdict.config.bias.metrics.DI.min as 0.9
}

test_range_can_depend_on_the_risk_class if {
	overrides := {"high": {"DI": {"min": 0.9}}}
	count(violations_of({"useCase": "recruitment"}, fixtures.di("sex", "female", 0.85))) == 1 with data.verdict.config.bias.thresholdsByRiskClass as overrides
	count(violations_of({}, fixtures.di("sex", "female", 0.85))) == 0 with data.verdict.config.bias.thresholdsByRiskClass as overrides
}

test_further_metrics_are_policy_data if {
	dppl := {
		"rule": "bias.demographic_parity",
		"name": "difference in positive proportions in predicted labels",
		"max": 0.1,
		"severity": "medium",
		"remediation": "-",
	}
	facets := {"sex": [{"value": "female", "metrics": {"DI": 0.95, "DPPL": 0.12}}]}
	violations := violations_of({}, facets) with data.verdict.config.bias.metrics.DPPL as dppl
	[[v.rule, v.severity, v.reference] | some v in violations] == [["bias.demographic_parity", "medium", "DPPL > 0.1"]]
}

test_high_risk_system_needs_bias_evidence if {
	violations := bias.violations with input as fixtures.with_profile({"useCase": "recruitment"})
	violations == {{
		"rule": "bias.evidence_missing",
		"severity": "high",
		"message": "The system is high-risk (Annex III 4(a)) but the model version carries no bias report with DI for any facet.",
		"reference": "Art. 10(2)(f)",
		"remediation": data.verdict.config.bias.evidenceMissing.remediation,
	}}
}

test_high_risk_biometric_system_needs_bias_evidence if {
	some v in bias.violations with input as fixtures.with_profile({"biometrics": {"function": "remote_identification"}})
	v.rule == "bias.evidence_missing"
}

test_bias_report_without_checked_metrics_is_no_evidence if {
	violations := violations_of({"useCase": "recruitment"}, {"sex": [{"value": "female", "metrics": {"CI": -0.08}}]})
	[v.rule | some v in violations] == ["bias.evidence_missing"]
}

test_high_risk_system_with_bias_evidence if {
	count(violations_of({"useCase": "recruitment"}, fixtures.di("sex", "female", 0.9))) == 0
}

test_other_systems_need_no_bias_evidence if {
	count(bias.violations) == 0 with input as fixtures.gate_input
	count(bias.violations) == 0 with input as fixtures.with_profile({"transparency": {"interactsWithHumans": true}})
}

test_garbage_evidence_is_no_evidence if {
	every evidence in [42, "s3://x", {"bias": "s3://x"}, {"bias": {"facets": [1, 2]}}, {"bias": {"facets": {"sex": 3}}}] {
		[v.rule | some v in bias.violations] == ["bias.evidence_missing"] with input as object.union(
			fixtures.with_profile({"useCase": "recruitment"}),
			{"evidence": evidence},
		)
	}
}
