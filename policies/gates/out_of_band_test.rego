package verdict.gates.out_of_band_test

import data.verdict.gates.out_of_band

orchestrator := "arn:aws:iam::111122223333:role/verdict-orchestrator"

cv_ranker := "arn:aws:sagemaker:eu-west-1:111122223333:model-package/cv-ranker/1"

base := {
	"gate": "deployment",
	"environment": "prod",
	"now": "2026-11-28T12:00:00.000Z",
	"riskClass": "high",
	"call": {
		"eventId": "ev-1",
		"eventName": "UpdateEndpoint",
		"eventTime": "2026-11-28T11:59:00Z",
		"caller": "arn:aws:iam::111122223333:role/data-science",
	},
	"orchestratorRoleArn": orchestrator,
	"target": "sagemaker:credit-scorer-prod",
	"governed": true,
	"liveDeployments": ["dep-2"],
	"serving": {"deleted": false, "artifacts": [cv_ranker], "servesLiveDeployment": false},
	"remediation": {"mode": "restore", "action": "restore", "restores": "dep-2"},
}

decision_for(gate_input) := decision if {
	decision := out_of_band.decision with input as gate_input
}

with_remediation(action) := object.union(base, {"remediation": {"mode": action, "action": action, "restores": null}})

test_a_change_by_another_role_is_denied_and_says_what_restore_does if {
	d := decision_for(base)
	d.decision == "deny"
	d.riskClass == "high"
	count(d.violations) == 1
	v := d.violations[0]
	v.rule == "deployment.out_of_band"
	v.severity == "critical"
	v.family == "deployment"
	v.mode == "enforce"
	v.message == concat("", [
		"UpdateEndpoint by arn:aws:iam::111122223333:role/data-science (CloudTrail event ev-1) changed ",
		"sagemaker:credit-scorer-prod outside Verdict: it now serves ",
		"arn:aws:sagemaker:eu-west-1:111122223333:model-package/cv-ranker/1, which no live deployment (dep-2) ",
		"put there. Remediation (mode restore): the endpoint config of deployment dep-2 is restored.",
	])
	startswith(v.reference, "Art. 15(5)")
	contains(v.remediation, "only the orchestrator role may change them")
}

test_the_explanation_says_what_each_mode_does if {
	endswith(decision_for(with_remediation("delete")).violations[0].message, "(mode delete): the endpoint is deleted.")
	endswith(
		decision_for(with_remediation("alert")).violations[0].message,
		"(mode alert): alerted only (Verdict Out-Of-Band Deployment), nothing is changed.",
	)
	nothing := object.union(base, {"remediation": {"mode": "restore", "action": "none"}})
	endswith(decision_for(nothing).violations[0].message, "(mode restore): nothing left to change, the endpoint is gone.")
}

test_a_deleted_endpoint_is_denied if {
	d := decision_for(object.union(base, {"call": {"eventName": "DeleteEndpoint"}, "serving": {"deleted": true}}))
	d.decision == "deny"
	contains(d.violations[0].message, "DeleteEndpoint by")
	contains(d.violations[0].message, "outside Verdict: it was deleted, which")
}

test_the_orchestrator_s_own_call_is_allowed if {
	d := decision_for(object.union(base, {"call": {"caller": orchestrator}}))
	d.decision == "allow"
	d.violations == []
}

test_an_endpoint_still_serving_the_live_deployment_is_allowed if {
	d := decision_for(object.union(base, {"serving": {"servesLiveDeployment": true}}))
	d.decision == "allow"
}

test_an_ungoverned_endpoint_is_not_decided_on if {
	decision_for(object.union(base, {"governed": false})).decision == "allow"
}

test_a_mode_cannot_waive_it if {
	d := decision_for(base) with data.verdict.config.modes.prod as {"deployment": "warn"}
	d.decision == "deny"
	d.violations[0].mode == "enforce"
}

test_missing_facts_count_against_the_change if {
	d := decision_for({})
	d.decision == "deny"
	d.riskClass == "unknown"
	d.violations[0].message == concat("", [
		"null by null (CloudTrail event null) changed null outside Verdict: it serves what cannot be read, ",
		"which no live deployment (none) put there. Remediation: none recorded, the endpoint is left as it is.",
	])
}

test_without_the_orchestrator_role_no_caller_is_the_orchestrator if {
	d := decision_for(object.union(base, {"orchestratorRoleArn": null, "call": {"caller": orchestrator}}))
	d.decision == "deny"
}

test_an_unreadable_serving_list_says_so if {
	d := decision_for(object.union(base, {"serving": {"artifacts": "x"}}))
	contains(d.violations[0].message, "it serves what cannot be read")
}
