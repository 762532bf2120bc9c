package verdict.gates.monitoring_test

import data.verdict.gates.monitoring

base := {
	"gate": "monitoring",
	"now": "2026-11-28T12:00:00.000Z",
	"subject": {
		"kind": "model-package",
		"id": "arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-scorer/3",
		"group": "credit-scorer",
		"version": "3",
	},
	"deployment": {
		"id": "dep-1",
		"status": "promoted",
		"environment": "prod",
		"riskClass": "high",
		"strategy": {"type": "canary", "alarms": ["credit-scorer-5xx"]},
	},
	"alarm": {
		"name": "credit-scorer-5xx",
		"state": "ALARM",
		"reason": "Threshold Crossed",
		"timestamp": "2026-11-28T11:59:00.000+0000",
	},
}

case(status, name, risk_class) := object.union(base, {
	"deployment": {"status": status, "riskClass": risk_class},
	"alarm": {"name": name},
})

decision_for(gate_input) := decision if {
	decision := monitoring.decision with input as gate_input
}

rules_of(d) := [v.rule | some v in d.violations]

test_an_alarm_during_the_bake_rolls_back if {
	d := decision_for(case("baking", "credit-scorer-data-drift", "minimal"))
	d.action == "rollback"
	d.decision == "deny"
	d.alarmKind == "data_drift"
	rules_of(d) == ["monitoring.alarm_during_bake"]
	d.violations[0].message == "Alarm credit-scorer-data-drift (data_drift) fired while deployment dep-1 was baking."
	d.violations[0].family == "monitoring"
	d.violations[0].mode == "enforce"
	not d.violations[0].action
}

test_error_rate_on_a_promoted_deployment_rolls_back if {
	d := decision_for(base)
	d.action == "rollback"
	d.decision == "deny"
	d.alarmKind == "error_rate"
	rules_of(d) == ["monitoring.service_degraded"]
}

test_latency_on_a_promoted_deployment_rolls_back if {
	d := decision_for(case("promoted", "Credit-Scorer-P99-Latency", "limited"))
	d.action == "rollback"
	d.alarmKind == "latency"
	rules_of(d) == ["monitoring.service_degraded"]
}

test_an_unclassified_rollback_alarm_on_a_promoted_deployment_rolls_back if {
	d := decision_for(case("promoted", "credit-scorer-canary", "high"))
	d.action == "rollback"
	d.alarmKind == "other"
	rules_of(d) == ["monitoring.service_degraded"]
}

test_bias_drift_on_a_promoted_high_risk_system_revokes if {
	d := decision_for(case("promoted", "credit-scorer-bias-drift", "high"))
	d.action == "revoke"
	d.decision == "deny"
	d.alarmKind == "bias_drift"
	rules_of(d) == ["monitoring.bias_drift_high_risk"]
	d.violations[0].severity == "critical"
	contains(d.violations[0].reference, "Art. 72")
	contains(d.violations[0].reference, "Art. 73")
}

test_bias_drift_on_a_system_that_is_not_high_risk_rolls_back if {
	d := decision_for(case("promoted", "credit-scorer-bias-drift", "limited"))
	d.action == "rollback"
	rules_of(d) == ["monitoring.bias_drift"]
	d.violations[0].message == "Bias drift alarm credit-scorer-bias-drift fired on promoted deployment dep-1 (risk class limited)."
}

test_data_drift_on_a_promoted_deployment_is_kept_and_recorded if {
	d := decision_for(case("promoted", "credit-scorer-data-drift", "high"))
	d.action == "keep"
	d.decision == "review"
	rules_of(d) == ["monitoring.data_drift"]
	d.violations[0].severity == "medium"
}

test_an_unknown_risk_class_rolls_back if {
	d := decision_for(case("promoted", "credit-scorer-data-drift", "unknown"))
	d.action == "rollback"
	rules_of(d) == ["monitoring.data_drift", "monitoring.risk_class_unknown"]
}

test_a_missing_risk_class_rolls_back if {
	d := decision_for(json.remove(base, ["deployment/riskClass"]))
	d.action == "rollback"
	d.riskClass == "unknown"
	rules_of(d) == ["monitoring.risk_class_unknown", "monitoring.service_degraded"]
	d.violations[0].message == "Alarm credit-scorer-5xx fired on deployment dep-1, whose risk class is unknown."
}

test_bias_drift_with_an_unknown_risk_class_rolls_back if {
	d := decision_for(case("promoted", "bias_drift", "unknown"))
	d.action == "rollback"
	rules_of(d) == ["monitoring.risk_class_unknown"]
}

test_an_empty_input_rolls_back if {
	d := decision_for({})
	d.action == "rollback"
	d.decision == "deny"
	d.alarmKind == "other"
	rules_of(d) == ["monitoring.input_invalid"]
	d.violations[0].message == "The monitoring input names no alarm or no live deployment (alarm null, deployment null, status null)."
}

test_a_deployment_that_is_not_live_rolls_back if {
	d := decision_for(case("rolled-back", "credit-scorer-5xx", "high"))
	d.action == "rollback"
	rules_of(d) == ["monitoring.input_invalid"]
}

test_a_deployment_without_an_id_rolls_back if {
	d := decision_for(object.union(base, {"deployment": {"id": 7}}))
	d.action == "rollback"
	rules_of(d) == ["monitoring.input_invalid"]
}

test_an_alarm_named_in_the_data_takes_that_kind if {
	d := decision_for(case("promoted", "credit-scorer-5xx", "high")) with data.verdict.config.monitoring.alarmNames as {"credit-scorer-5xx": "data_drift"}
	d.alarmKind == "data_drift"
	d.action == "keep"
}

test_revoke_outranks_rollback if {
	d := decision_for(case("promoted", "bias-drift-latency", "high"))
	d.alarmKind == "bias_drift"
	d.action == "revoke"
}

test_keep_without_findings_allows if {
	d := decision_for(base) with data.verdict.config.monitoring.degradedKinds as []
	d.action == "keep"
	d.decision == "allow"
	d.violations == []
}

# The orchestration reads the action back from a recorded decision: a deny on a critical monitoring rule
# revokes, any other deny rolls back. The data keeps critical for the revoking rules alone.
test_only_the_revoking_rules_are_critical if {
	rules := data.verdict.config.monitoring.rules
	critical := {rule.rule | some rule in rules; rule.severity == "critical"}
	critical == {rule.rule | some rule in rules; rule.action == "revoke"}
	critical == {"monitoring.bias_drift_high_risk"}
}

test_every_rule_is_a_monitoring_rule_with_a_known_action if {
	every rule in data.verdict.config.monitoring.rules {
		startswith(rule.rule, "monitoring.")
		data.verdict.config.monitoring.actionRank[rule.action]
	}
}
