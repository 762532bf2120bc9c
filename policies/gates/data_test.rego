package verdict.gates.data_test

import data.verdict.gates.data as data_gate

fair := {"CI": 0.1, "DPL": 0.02, "KL": 0.001, "JS": 0.0005, "LP": 0.03, "TVD": 0.02, "KS": 0.02, "CDDL": 0.01}

base := {
	"gate": "data",
	"manifest": {
		"name": "credit-applications",
		"owner": "credit-risk",
		"legalBasis": "contract",
		"subjectKeys": ["applicant_id"],
		"piiColumns": ["applicant_id", "email"],
		"retentionDays": 365,
		"riskClass": "high",
		"fairness": {
			"facet": {"column": "gender", "sensitive": ["female"]},
			"label": {"column": "approved", "positive": "1"},
			"groups": "region",
		},
	},
	"dataset": {
		"name": "credit-applications",
		"uri": "s3://verdict-datasets/credit-applications/data.csv",
		"sha256": "00",
		"bytes": 10,
		"rows": 300,
		"header": ["applicant_id", "email", "gender", "region", "income", "approved"],
	},
	"pii": {"status": "scanned", "columns": {"email": {"EMAIL_ADDRESS": 300}}},
	"bias": {"metrics": fair},
}

decision_for(gate_input) := decision if {
	decision := data_gate.decision with input as gate_input
}

replaced(key, value) := object.union(object.remove(base, [key]), {key: value})

rules_of(d) := [v.rule | some v in d.violations]

with_manifest(fields) := object.union(base, {"manifest": object.union(base.manifest, fields)})

test_a_truthful_fair_dataset_is_allowed if {
	d := decision_for(base)
	d.decision == "allow"
	d.violations == []
	d.riskClass == "high"
}

test_no_input_fails_closed if {
	d := decision_for({})
	d.decision == "deny"
	rules_of(d) == ["data.input_invalid"]
}

test_a_manifest_column_missing_from_the_data_denies if {
	d := decision_for(with_manifest({"piiColumns": ["applicant_id", "email", "phone"]}))
	d.decision == "deny"
	rules_of(d) == ["data.manifest_columns_missing"]
	startswith(d.violations[0].message, "The manifest names columns the data does not have: \"phone\"")
}

test_pii_in_an_undeclared_column_denies if {
	gate_input := object.union(base, {"pii": {"status": "scanned", "columns": {
		"email": {"EMAIL_ADDRESS": 3},
		"notes": {"PHONE_NUMBER": 2},
	}}})
	d := decision_for(gate_input)
	d.decision == "deny"
	rules_of(d) == ["data.undeclared_pii"]
	d.violations[0].message == "Personal data found in columns the manifest does not declare: \"notes\"."
	d.violations[0].family == "data"
}

test_pii_in_a_subject_key_column_is_declared if {
	gate_input := object.union(base, {"pii": {"status": "scanned", "columns": {"applicant_id": {"UK_NHS": 1}}}})
	decision_for(gate_input).decision == "allow"
}

test_no_legal_basis_denies if {
	gate_input := replaced("manifest", object.remove(base.manifest, ["legalBasis"]))
	d := decision_for(gate_input)
	d.decision == "deny"
	rules_of(d) == ["data.no_legal_basis"]
}

test_no_subject_key_denies if {
	d := decision_for(with_manifest({"subjectKeys": []}))
	rules_of(d) == ["data.subject_keys_missing"]
}

test_a_subject_key_missing_from_the_data_denies if {
	d := decision_for(with_manifest({"subjectKeys": ["customer_id"]}))
	d.decision == "deny"
	rules_of(d) == ["data.manifest_columns_missing", "data.subject_keys_missing"]
}

test_an_unscanned_dataset_fails_closed if {
	d := decision_for(object.union(base, {"pii": {"status": "unreadable", "reason": "not a CSV"}}))
	rules_of(d) == ["data.pii_unscanned"]
	d.violations[0].message == "The data could not be scanned for personal data: not a CSV."
}

test_a_high_risk_dataset_without_fairness_denies if {
	gate_input := replaced("manifest", object.remove(base.manifest, ["fairness"]))
	d := decision_for(object.remove(gate_input, ["bias"]))
	rules_of(d) == ["data.fairness_missing"]
}

test_a_minimal_risk_dataset_needs_no_fairness if {
	gate_input := object.union(base, {"manifest": object.union(object.remove(base.manifest, ["fairness"]), {"riskClass": "minimal"})})
	decision_for(object.remove(gate_input, ["bias"])).decision == "allow"
}

test_a_prohibited_use_denies if {
	d := decision_for(with_manifest({"riskClass": "prohibited"}))
	"data.prohibited_use" in rules_of(d)
	d.decision == "deny"
}

test_a_biased_high_risk_dataset_denies_per_metric if {
	gate_input := object.union(base, {"bias": {"metrics": object.union(fair, {"DPL": 0.25, "KL": 0.06})}})
	d := decision_for(gate_input)
	d.decision == "deny"
	rules_of(d) == ["data.bias_threshold", "data.bias_threshold"]
	messages := {v.message | some v in d.violations}
	"Pre-training bias metric DPL = 0.2500 is outside [-0.1, 0.1] for a high-risk system." in messages
	"Pre-training bias metric KL = 0.0600 is outside [0, 0.05] for a high-risk system." in messages
}

test_a_negative_disparity_counts_as_its_magnitude if {
	gate_input := object.union(base, {"bias": {"metrics": object.union(fair, {"CDDL": -0.15})}})
	rules_of(decision_for(gate_input)) == ["data.bias_threshold"]
}

test_bias_on_a_limited_risk_dataset_asks_for_review if {
	gate_input := object.union(with_manifest({"riskClass": "limited"}), {"bias": {"metrics": object.union(fair, {"DPL": 0.25})}})
	d := decision_for(gate_input)
	d.decision == "review"
	d.violations[0].severity == "medium"
	d.riskClass == "limited"
}

test_exactly_at_the_bound_is_within if {
	gate_input := object.union(base, {"bias": {"metrics": object.union(fair, {"DPL": 0.1, "KL": 0.05})}})
	decision_for(gate_input).decision == "allow"
}

test_an_undefined_metric_fails_closed if {
	gate_input := object.union(base, {"bias": {"metrics": object.union(fair, {"KL": null})}})
	d := decision_for(gate_input)
	d.decision == "deny"
	rules_of(d) == ["data.bias_uncomputable"]
}

test_cddl_absent_without_groups_is_not_a_finding if {
	gate_input := object.union(base, {"bias": {"metrics": object.remove(fair, ["CDDL"])}})
	decision_for(gate_input).decision == "allow"
}
