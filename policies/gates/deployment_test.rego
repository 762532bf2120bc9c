package verdict.gates.deployment_test

import data.verdict.gates.deployment
import data.verdict.test.deployment_fixtures as fx

decision_for(gate_input) := decision if {
	decision := deployment.decision with input as gate_input
}

# 8 x ml.g5.2xlarge in eu-west-1: 1.69 USD an hour x 8 x 730 hours = 9869.60 USD, over the default 5000.
over_budget := object.union(fx.gate_input, {"request": {"compute": {"maxInstanceCount": 8, "instanceType": "ml.g5.2xlarge"}}})

waiver(rule, expires_at) := {
	"id": "ex-7",
	"rule": rule,
	"subject": "credit-scorer",
	"reason": "Peak season capacity approved by finance.",
	"approver": "head-of-ml@example.com",
	"expiresAt": expires_at,
}

test_the_fixture_is_allowed_with_its_cost if {
	d := decision_for(fx.gate_input)
	d.decision == "allow"
	d.riskClass == "high"
	d.violations == []
	[[o.id, o.satisfied, o.evidenceSha256] | some o in d.obligations] == [["human_oversight", true, fx.oversight_sha256]]
	d.cost.monthlyUsd == 747.52
}

test_an_empty_input_is_denied if {
	d := decision_for({})
	d.decision == "deny"
	d.riskClass == "unknown"
	d.cost == null
}

test_violations_carry_their_family_and_mode if {
	d := decision_for(over_budget)
	d.decision == "deny"
	expected := ["deployment.cost_over_budget", "deployment", "enforce", "high"]
	[[v.rule, v.family, v.mode, v.severity] | some v in d.violations] == [expected]
}

test_warn_mode_reports_without_deciding if {
	d := decision_for(over_budget) with data.verdict.config.modes.prod as {"deployment": "warn"}
	d.decision == "allow"
	{v.mode | some v in d.violations} == {"warn"}
}

test_the_approval_rules_enforce_in_every_mode if {
	revoked := object.union(fx.gate_input, {"approval": {"revoked": true}, "artifact": {"digest": "sha256:1"}})
	d := decision_for(revoked) with data.verdict.config.modes.prod as {"deployment": "dry-run"}
	d.decision == "deny"
	{[v.rule, v.mode] | some v in d.violations} == {
		["deployment.approval_revoked", "enforce"],
		["deployment.digest_mismatch", "enforce"],
	}
}

test_an_unknown_risk_class_is_never_allowed if {
	unknown := object.union(fx.gate_input, {"approval": {"riskClass": "unknown"}})
	d := decision_for(unknown) with data.verdict.config.modes.prod as {"deployment": "warn"}
	d.decision == "deny"
	d.riskClass == "unknown"
}

test_an_exception_waives_the_budget if {
	d := decision_for(object.union(over_budget, {"exceptions": [
		waiver("deployment.cost_over_budget", "2026-12-31T00:00:00Z"),
		waiver("deployment.autoscaling_over_cap", "2026-12-31T00:00:00+01:00"),
	]}))
	d.decision == "allow"
	{v.waiver.id | some v in d.violations} == {"ex-7"}
}

test_an_expired_exception_waives_nothing if {
	d := decision_for(object.union(over_budget, {"exceptions": [
		waiver("deployment.cost_over_budget", "2026-11-28T09:59:59Z"),
		waiver("deployment.autoscaling_over_cap", "2026-12-31T00:00:00Z"),
	]}))
	d.decision == "deny"
	[v.rule | some v in d.violations; not v.waiver] == ["deployment.cost_over_budget"]
}

test_a_revoked_approval_cannot_be_waived if {
	revoked := object.union(fx.gate_input, {
		"approval": {"revoked": true},
		"exceptions": [waiver("deployment.approval_revoked", "2026-12-31T00:00:00Z")],
	})
	d := decision_for(revoked)
	d.decision == "deny"
	[v.waiverRefused | some v in d.violations] == ["ex-7: a model version runs only with an allow decision of the registry gate that is not revoked"]
}

test_a_digest_mismatch_and_an_unknown_price_cannot_be_waived if {
	changed := object.union(fx.gate_input, {
		"artifact": {"digest": "sha256:1"},
		"request": {"region": "ap-south-1"},
		"exceptions": [
			waiver("deployment.digest_mismatch", "2026-12-31T00:00:00Z"),
			waiver("deployment.price_unknown", "2026-12-31T00:00:00Z"),
			waiver("deployment.region_not_allowed", "2026-12-31T00:00:00Z"),
		],
	})
	d := decision_for(changed)
	d.decision == "deny"
	{[v.rule, object.get(v, "waiver", {"id": null}).id, object.get(v, "waiverRefused", null)] | some v in d.violations} == {
		["deployment.digest_mismatch", null, "ex-7: an allow holds only for the artifact it was decided for"],
		["deployment.price_unknown", null, "ex-7: without a price the cost cannot be assessed, so it cannot be waived"],
		["deployment.region_not_allowed", "ex-7", null],
	}
}
