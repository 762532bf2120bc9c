package verdict.lib.bias_test

import data.verdict.lib.bias
import data.verdict.test.fixtures

violations_of(changes, facets) := violations if {
	violations := bias.violations with input as fixtures.with_bias(changes, facets)
}

# One facet value with the given metrics.
one(metrics) := {"sex": [{"value": "female", "metrics": metrics}]}

high_risk := {"useCase": "recruitment"}

# Fair values of every metric a high-risk system requires.
fair := {"DI": 1, "DPPL": 0, "RD": 0, "AD": 0}

summary(violations) := {[v.rule, v.severity, v.reference] | some v in violations}

# --- DI: the four-fifths rule and its mirror ---------------------------------------------------

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

test_infinite_di_is_above_the_maximum if {
	violations := violations_of({}, one({"DI": "Infinity"}))
	[[v.rule, v.reference, v.message] | some v in violations] == [[
		"bias.disparate_impact",
		"DI > 1.25",
		"disparate impact (DI) for facet sex, value female, is Infinity: above the maximum 1.25.",
	]]
}

test_negative_infinity_is_below_every_minimum if {
	summary(violations_of({}, one({"DI": "-Infinity"}))) == {["bias.disparate_impact", "high", "DI < 0.8"]}
}

test_di_is_high_severity_whatever_the_risk_class if {
	summary(violations_of({}, one({"DI": 0.7}))) == {["bias.disparate_impact", "high", "DI < 0.8"]}
	summary(violations_of(high_risk, one(object.union(fair, {"DI": 0.7})))) == {["bias.disparate_impact", "high", "DI < 0.8"]}
}

# --- Difference metrics: bounds on the magnitude ---------------------------------------------------

test_dppl_beyond_its_bound_either_way if {
	violations := violations_of({}, one({"DPPL": 0.19}))
	[[v.rule, v.severity, v.reference, v.message] | some v in violations] == [[
		"bias.difference_in_positive_proportions",
		"medium",
		"|DPPL| > 0.1",
		"difference in positive proportions in predicted labels (DPPL) for facet sex, value female, is 0.19: its magnitude is above the maximum 0.1.",
	]]
	summary(violations_of({}, one({"DPPL": -0.11}))) == {["bias.difference_in_positive_proportions", "medium", "|DPPL| > 0.1"]}
}

test_magnitude_bound_is_inclusive if {
	count(violations_of({}, one({"DPPL": 0.1, "RD": -0.1, "AD": 0.1}))) == 0
}

test_every_default_metric_is_checked if {
	metrics := {"DI": 0.5, "DPPL": 0.3, "RD": -0.2, "AD": 0.15, "equalizedOddsDifference": 0.2}
	summary(violations_of({}, one(metrics))) == {
		["bias.disparate_impact", "high", "DI < 0.8"],
		["bias.difference_in_positive_proportions", "medium", "|DPPL| > 0.1"],
		["bias.recall_difference", "medium", "|RD| > 0.1"],
		["bias.accuracy_difference", "medium", "|AD| > 0.1"],
		["bias.equalized_odds", "medium", "equalizedOddsDifference > 0.1"],
	}
}

test_high_risk_systems_are_held_stricter if {
	metrics := {"DI": 0.9, "DPPL": 0.3, "RD": -0.2, "AD": 0.15, "equalizedOddsDifference": 0.2}
	summary(violations_of(high_risk, one(metrics))) == {
		["bias.difference_in_positive_proportions", "high", "|DPPL| > 0.1"],
		["bias.recall_difference", "high", "|RD| > 0.1"],
		["bias.accuracy_difference", "high", "|AD| > 0.1"],
		["bias.equalized_odds", "high", "equalizedOddsDifference > 0.1"],
	}
}

test_infinite_differences_are_beyond_the_bound if {
	summary(violations_of({}, one({"DPPL": "-Infinity", "RD": "Infinity"}))) == {
		["bias.difference_in_positive_proportions", "medium", "|DPPL| > 0.1"],
		["bias.recall_difference", "medium", "|RD| > 0.1"],
	}
}

test_each_metric_has_its_own_remediation if {
	some v in violations_of({}, one({"RD": 0.5}))
	v.remediation == data.verdict.config.bias.metrics.RD.remediation
	v.remediation != data.verdict.config.bias.metrics.DI.remediation
}

test_metrics_switched_off_by_default_are_ignored if {
	count(violations_of({}, one({"DAR": 0.9, "DRR": -0.9, "DCAcc": 5, "DCR": -5, "TE": "Infinity"}))) == 0
}

test_a_metric_can_be_switched_on_in_data if {
	violations := violations_of({}, one({"TE": "Infinity", "DAR": 0.3})) with data.verdict.config.bias.metrics.TE.enabled as true
	summary(violations) == {["bias.treatment_equality", "medium", "|TE| > 0.5"]}
}

test_a_metric_can_be_switched_off_in_data if {
	count(violations_of({}, one({"DPPL": 0.5}))) == 0 with data.verdict.config.bias.metrics.DPPL.enabled as false
}

test_a_metric_can_be_switched_on_for_one_risk_class if {
	overrides := {"high": {"DAR": {"enabled": true, "severity": "high"}}}
	summary(violations_of(high_risk, one(object.union(fair, {"DAR": 0.3})))) == {["bias.difference_in_acceptance_rates", "high", "|DAR| > 0.1"]} with data.verdict.config.bias.thresholdsByRiskClass as overrides
	count(violations_of({}, one({"DAR": 0.3}))) == 0 with data.verdict.config.bias.thresholdsByRiskClass as overrides
}

# --- Facets with several values -----------------------------------------------------------------

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
		["bias.difference_in_positive_proportions", "|DPPL| > 0.1", "difference in positive proportions in predicted labels (DPPL) for facet race, value black, is 0.2: its magnitude is above the maximum 0.1."],
	}
}

# --- Metrics without a value ---------------------------------------------------------------------

test_metric_without_a_number if {
	violations := violations_of({}, fixtures.di("sex", "female", null))
	[[v.rule, v.severity, v.reference, v.message] | some v in violations] == [[
		"bias.metric_invalid",
		"high",
		"DI (SageMaker Clarify)",
		"disparate impact (DI) for facet sex, value female, is not a number (null).",
	]]
}

test_metric_without_a_number_has_the_metric_severity_and_the_reason if {
	entry := {"value": "female", "metrics": {"RD": null}, "errors": {"RD": "Facet set is empty"}}
	violations := violations_of({}, {"sex": [entry]})
	[[v.rule, v.severity, v.message] | some v in violations] == [[
		"bias.metric_invalid",
		"medium",
		"recall difference (RD) for facet sex, value female, is not a number (null): Facet set is empty.",
	]]
	high_entry := object.union(entry, {"metrics": object.union(fair, {"RD": null})})
	summary(violations_of(high_risk, {"sex": [high_entry]})) == {["bias.metric_invalid", "high", "RD (SageMaker Clarify)"]}
}

test_other_strings_are_not_numbers if {
	summary(violations_of({}, one({"DI": "0.5"}))) == {["bias.metric_invalid", "high", "DI (SageMaker Clarify)"]}
	summary(violations_of({}, one({"DI": "inf"}))) == {["bias.metric_invalid", "high", "DI (SageMaker Clarify)"]}
}

test_garbage_errors_do_not_hide_a_violation if {
	every errors in [3, "x", [1], {"DI": {"a": 1}}, null] {
		summary(violations_of({}, {"sex": [{"value": "f", "metrics": {"DI": 0.5}, "errors": errors}]})) == {["bias.disparate_impact", "high", "DI < 0.8"]}
	}
}

test_unchecked_metrics_are_ignored if {
	count(violations_of({}, one({"CDDPL": 0.9, "CI": "n/a", "KL": null}))) == 0
}

# --- Thresholds are policy data ------------------------------------------------------------------

test_range_is_policy_data if {
	count(violations_of({}, fixtures.di("sex", "female", 0.85))) == 1 with data.verdict.config.bias.metrics.DI.min as 0.9
}

test_range_can_depend_on_the_risk_class if {
	overrides := {"high": {"DI": {"min": 0.9}}}
	count(violations_of(high_risk, fixtures.di("sex", "female", 0.85))) == 1 with data.verdict.config.bias.thresholdsByRiskClass as overrides
	count(violations_of({}, fixtures.di("sex", "female", 0.85))) == 0 with data.verdict.config.bias.thresholdsByRiskClass as overrides
}

test_further_metrics_are_policy_data if {
	sd := {
		"rule": "bias.specificity_difference",
		"name": "specificity difference",
		"maxAbs": 0.05,
		"severity": "low",
		"remediation": "-",
	}
	facets := {"sex": [{"value": "female", "metrics": {"DI": 0.95, "SD": -0.07}}]}
	violations := violations_of({}, facets) with data.verdict.config.bias.metrics.SD as sd
	[[v.rule, v.severity, v.reference] | some v in violations] == [["bias.specificity_difference", "low", "|SD| > 0.05"]]
}

test_every_checked_metric_names_its_source if {
	every metric in data.verdict.config.bias.metrics {
		count(metric.source) > 0
		count(metric.remediation) > 0
		startswith(metric.rule, "bias.")
	}
}

# --- Bias examination of high-risk systems (Art. 10(2)(f)) ---------------------------------------

test_high_risk_system_needs_bias_evidence if {
	violations := bias.violations with input as fixtures.with_profile(high_risk)
	violations == {{
		"rule": "bias.evidence_missing",
		"severity": "high",
		"message": "The system is high-risk (Annex III 4(a)) but the model version carries no bias report with AD or DI or DPPL or RD or equalizedOddsDifference for any facet.",
		"reference": "Art. 10(2)(f)",
		"remediation": data.verdict.config.bias.evidenceMissing.remediation,
	}}
}

test_annex_i_product_needs_bias_evidence if {
	annex_i := {"annexI": {
		"legislation": "Regulation (EU) 2017/745",
		"safetyComponent": true,
		"thirdPartyConformityAssessment": true,
	}}
	[v.message | some v in bias.violations with input as fixtures.with_profile(annex_i)] == ["The system is high-risk but the model version carries no bias report with AD or DI or DPPL or RD or equalizedOddsDifference for any facet."]
}

test_high_risk_biometric_system_needs_bias_evidence if {
	some v in bias.violations with input as fixtures.with_profile({"biometrics": {"function": "remote_identification"}})
	v.rule == "bias.evidence_missing"
}

test_bias_report_without_checked_metrics_is_no_evidence if {
	violations := violations_of(high_risk, {"sex": [{"value": "female", "metrics": {"CI": -0.08}}]})
	{v.rule | some v in violations} == {"bias.evidence_missing", "bias.metric_missing"}
}

test_high_risk_system_with_bias_evidence if {
	count(violations_of(high_risk, fixtures.di("sex", "female", 0.9))) == 0
}

test_other_systems_need_no_bias_evidence if {
	count(bias.violations) == 0 with input as fixtures.gate_input
	count(bias.violations) == 0 with input as fixtures.with_profile({"transparency": {"interactsWithHumans": true}})
}

test_garbage_evidence_is_no_evidence if {
	every evidence in [42, "s3://x", {"bias": "s3://x"}, {"bias": {"facets": [1, 2]}}, {"bias": {"facets": {"sex": 3}}}] {
		[v.rule | some v in bias.violations] == ["bias.evidence_missing"] with input as object.union(
			fixtures.with_profile(high_risk),
			{"evidence": evidence},
		)
	}
}

# --- The demo's samples ---------------------------------------------------------------------------

test_cv_ranker_sample_is_denied_for_its_disparate_impact if {
	facets := {"gender": [{"value": "female", "metrics": {"CI": 0.04, "DPL": 0.11, "DI": 0.62, "DPPL": 0.19, "AD": 0.02, "RD": 0.15}}]}
	summary(violations_of(high_risk, facets)) == {
		["bias.disparate_impact", "high", "DI < 0.8"],
		["bias.difference_in_positive_proportions", "high", "|DPPL| > 0.1"],
		["bias.recall_difference", "high", "|RD| > 0.1"],
	}
}

test_credit_scorer_sample_passes if {
	facets := {"applicant_age_band": [{"value": "under_25", "metrics": {"CI": -0.21, "DPL": 0.03, "DI": 0.93, "DPPL": 0.03, "AD": 0.01, "RD": 0.02}}]}
	count(violations_of({"useCase": "creditworthiness"}, facets)) == 0
}

# --- Partial evidence and metric names ------------------------------------------------------------

test_partial_evidence_names_each_missing_metric_and_facet_value if {
	violations := violations_of(high_risk, one({"AD": 0}))
	{[v.rule, v.severity, v.reference] | some v in violations} == {
		["bias.metric_missing", "high", "Art. 10(2)(f) (DI)"],
		["bias.metric_missing", "high", "Art. 10(2)(f) (DPPL)"],
		["bias.metric_missing", "high", "Art. 10(2)(f) (RD)"],
	}
	some v in violations
	v.message == "disparate impact (DI) for facet sex, value female is missing from the bias evidence; a high-risk system must show it for every facet value."
}

test_every_facet_value_must_carry_the_required_metrics if {
	facets := {"sex": [{"value": "female", "metrics": fair}, {"value": "male", "metrics": {"DI": 1}}]}
	{[v.rule, v.reference] | some v in violations_of(high_risk, facets)} == {
		["bias.metric_missing", "Art. 10(2)(f) (DPPL)"],
		["bias.metric_missing", "Art. 10(2)(f) (RD)"],
		["bias.metric_missing", "Art. 10(2)(f) (AD)"],
	}
}

test_a_complete_report_has_nothing_missing if {
	count(violations_of(high_risk, one(fair))) == 0
}

test_lower_case_names_are_unknown_and_leave_the_metric_missing if {
	metrics := {"AD": 0, "di": 0.5, "dppl": 0.3, "rd": 0.4}
	violations := violations_of(high_risk, one(metrics))
	{[v.rule, v.reference] | some v in violations} == {
		["bias.metric_missing", "Art. 10(2)(f) (DI)"],
		["bias.metric_missing", "Art. 10(2)(f) (DPPL)"],
		["bias.metric_missing", "Art. 10(2)(f) (RD)"],
		["bias.metric_unknown", "Art. 10(2)(f)"],
	}
	{v.message | some v in violations; v.rule == "bias.metric_unknown"} == {
		"The bias evidence for facet sex, value female names an unknown metric di (metric names are case-sensitive).",
		"The bias evidence for facet sex, value female names an unknown metric dppl (metric names are case-sensitive).",
		"The bias evidence for facet sex, value female names an unknown metric rd (metric names are case-sensitive).",
	}
}

test_unknown_names_are_reported_whatever_the_risk_class if {
	summary(violations_of({}, one({"DI": 1, "Di": 0.2}))) == {["bias.metric_unknown", "low", "Art. 10(2)(f)"]}
}

test_other_systems_need_no_particular_metric if {
	count(violations_of({}, one({"AD": 0}))) == 0
}

test_a_facet_named_proto_is_checked_like_any_other if {
	facets := {"__proto__": [{"value": "x", "metrics": object.union(fair, {"DI": 0.5})}], "sex": [{"value": "f", "metrics": fair}]}
	summary(violations_of(high_risk, facets)) == {["bias.disparate_impact", "high", "DI < 0.8"]}
}
