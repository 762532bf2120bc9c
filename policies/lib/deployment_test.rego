package verdict.lib.deployment_test

import data.verdict.lib.deployment
import data.verdict.test.deployment_fixtures as fx

with_changes(changes) := object.union(fx.gate_input, changes)

violations_for(gate_input) := violations if {
	violations := deployment.violations with input as gate_input
}

violations_of(changes) := violations_for(with_changes(changes))

rules_of(changes) := {v.rule | some v in violations_of(changes)}

messages_of(changes, rule) := {v.message | some v in violations_of(changes); v.rule == rule}

# The fixture with the request's field replaced (object.union merges objects; this replaces).
with_request(field, value) := object.union(fx.gate_input, {"request": json.patch(fx.request, [{"op": "add", "path": field, "value": value}])})

rules_with_request(field, value) := {v.rule | some v in violations_for(with_request(field, value))}

messages_with_request(field, value) := {v.message | some v in violations_for(with_request(field, value))}

test_the_fixture_passes_every_rule if {
	count(violations_of({})) == 0
	count(violations_of({"request": fx.gpu_request})) == 0
}

test_an_empty_input_is_refused_by_every_rule_that_can_say_why if {
	rules := {v.rule | some v in violations_for({})}
	rules == {
		"deployment.approval_missing",
		"deployment.instance_type_not_allowed",
		"deployment.price_unknown",
		"deployment.region_not_allowed",
		"deployment.tag_missing",
	}
}

# Approval

test_no_approval_is_refused if {
	messages_of({"approval": null}, "deployment.approval_missing") == {concat("", [
		"The ledger holds no model-registry decision for ",
		"arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-scorer/3.",
	])}
}

test_a_deny_or_review_is_no_allow if {
	messages_of({"approval": {"decision": "deny"}}, "deployment.approval_not_allow") == {"The model-registry decision dec-credit-scorer-3 for this version is deny, not allow."}
	"deployment.approval_not_allow" in rules_of({"approval": {"decision": "review"}})
	"deployment.approval_not_allow" in rules_of({"approval": {"decision": null}})
}

test_a_revoked_allow_is_refused if {
	messages_of({"approval": {"revoked": true, "revokedAt": "2026-11-27T09:00:00Z"}}, "deployment.approval_revoked") == {"The model-registry decision dec-credit-scorer-3 was revoked at 2026-11-27T09:00:00Z."}
	messages_of({"approval": {"revoked": true}}, "deployment.approval_revoked") == {"The model-registry decision dec-credit-scorer-3 was revoked."}
}

test_an_unknown_revocation_state_counts_as_revoked if {
	"deployment.approval_revoked" in rules_of({"approval": {"revoked": "no"}})
	rules := {v.rule | some v in violations_for(json.remove(fx.gate_input, ["approval/revoked"]))}
	"deployment.approval_revoked" in rules
}

test_a_different_artifact_is_refused if {
	messages_of({"artifact": {"digest": "sha256:0000"}}, "deployment.digest_mismatch") == {sprintf("The model artifact is sha256:0000; the decision dec-credit-scorer-3 allowed %s.", [fx.digest])}
}

test_an_artifact_without_digest_is_refused if {
	"deployment.digest_mismatch" in rules_of({"artifact": null})
	"deployment.digest_mismatch" in rules_of({"artifact": {"digest": ""}})
	"deployment.digest_mismatch" in rules_of({"approval": {"artifactDigest": null}, "artifact": {"digest": null}})
}

# Environment and risk class

test_an_environment_that_does_not_allow_the_risk_class if {
	environments := object.union(data.verdict.config.deployment.environments, {"prod": {"riskClasses": ["minimal", "limited"]}})
	violations := violations_of({}) with data.verdict.config.deployment.environments as environments
	{v.message | some v in violations} == {"The prod environment does not allow high-risk systems (it allows: minimal, limited)."}
}

test_an_unknown_environment_allows_nothing if {
	rules := rules_of({"environment": "qa"})
	every rule in {
		"deployment.environment_not_allowed",
		"deployment.instance_type_not_allowed",
		"deployment.autoscaling_over_cap",
	} {
		rule in rules
	}
}

# High risk

test_high_risk_needs_human_oversight_evidence if {
	rules_of({"approval": {"humanOversightEvidence": null}}) == {"deployment.human_oversight_missing"}
	rules_of({"approval": {"humanOversightEvidence": " "}}) == {"deployment.human_oversight_missing"}
	count(violations_of({
		"approval": {"humanOversightEvidence": null},
		"request": {"humanOversightEvidence": "s3://verdict-evidence/oversight.pdf"},
		"evidence": {"humanOversight": {"uri": "s3://verdict-evidence/oversight.pdf"}},
	})) == 0
}

oversight_messages(read) := messages_of({"evidence": {"humanOversight": read}}, "deployment.human_oversight_unreadable")

test_high_risk_needs_human_oversight_evidence_that_exists_and_is_not_empty if {
	uri := fx.approval.humanOversightEvidence
	oversight_messages(object.union(fx.oversight_read, {"exists": false, "sha256": null, "size": null})) == {sprintf("The human-oversight evidence %s does not exist.", [uri])}
	oversight_messages(object.union(fx.oversight_read, {"size": 0})) == {sprintf("The human-oversight evidence %s is empty.", [uri])}
	rules_of({"evidence": {"humanOversight": object.union(fx.oversight_read, {"size": 0})}}) == {"deployment.human_oversight_unreadable"}
}

test_human_oversight_evidence_that_could_not_be_read_is_refused if {
	uri := fx.approval.humanOversightEvidence
	unreadable := {sprintf("The human-oversight evidence %s could not be read.", [uri])}
	oversight_messages(object.union(fx.oversight_read, {"readable": false, "exists": false})) == unreadable
	oversight_messages(null) == unreadable
	messages_of({"evidence": null}, "deployment.human_oversight_unreadable") == unreadable

	# A read of another document than the one named counts for nothing.
	oversight_messages(object.union(fx.oversight_read, {"uri": "s3://elsewhere/oversight.pdf"})) == unreadable

	# A size that is not a number is no size.
	"deployment.human_oversight_unreadable" in rules_of({"evidence": {"humanOversight": {"size": "2048"}}})
}

test_the_approvals_document_is_read_before_the_requests if {
	changes := {"request": {"humanOversightEvidence": "s3://verdict-evidence/other.pdf"}}
	count(violations_of(changes)) == 0
	deployment.oversight_uri == fx.approval.humanOversightEvidence with input as with_changes(changes)
}

test_oversight_evidence_is_not_read_below_high_risk if {
	missing := {"approval": {"riskClass": "limited"}, "evidence": {"humanOversight": null}}
	not "deployment.human_oversight_unreadable" in rules_of(missing)
	count(deployment.obligations) == 0 with input as with_changes(missing)
}

test_the_obligation_records_the_digest_of_the_document_read if {
	deployment.obligations == {{
		"id": "human_oversight",
		"ref": "Art. 14; Art. 26(2)",
		"title": "Human oversight assigned to competent, trained people",
		"applies": true,
		"satisfied": true,
		"evidence": fx.approval.humanOversightEvidence,
		"evidenceSha256": fx.oversight_sha256,
	}} with input as fx.gate_input
	missing := with_changes({"evidence": {"humanOversight": object.union(fx.oversight_read, {"exists": false, "sha256": null})}})
	[o | some o in deployment.obligations with input as missing] == [{
		"id": "human_oversight",
		"ref": "Art. 14; Art. 26(2)",
		"title": "Human oversight assigned to competent, trained people",
		"applies": true,
		"satisfied": false,
		"evidence": fx.approval.humanOversightEvidence,
	}]
}

test_high_risk_needs_a_canary_or_linear_rollout if {
	rules_with_request("/strategy/type", "all-at-once") == {"deployment.strategy_not_gradual"}
	rules_with_request("/strategy/type", "rolling") == {"deployment.strategy_not_gradual"}
	count(rules_with_request("/strategy/type", "linear")) == 0
	messages_with_request("/strategy/type", "all-at-once") == {"A high-risk system is rolled out with strategy all-at-once; it needs one of: canary, linear."}
}

test_high_risk_needs_rollback_alarms if {
	messages_with_request("/strategy/alarms", []) == {"A high-risk system is rolled out with 0 rollback alarm(s); it needs at least 1."}
	rules_with_request("/strategy/alarms", [""]) == {"deployment.rollback_alarms_missing"}
}

test_high_risk_needs_full_request_response_logging if {
	no_capture := json.remove(fx.gate_input, ["request/dataCapture"])
	{v.message | some v in violations_for(no_capture)} == {concat("", [
		"A high-risk system is deployed without a retention of at least 184 days (dataCapture.retentionDays), ",
		"capture of at least 100 % of requests (dataCapture.samplingPercent), ",
		"data capture (dataCapture.enabled), request capture (dataCapture.captureRequest), ",
		"response capture (dataCapture.captureResponse).",
	])}
}

test_logging_boundaries if {
	messages_with_request("/dataCapture/retentionDays", 183) == {"A high-risk system is deployed without a retention of at least 184 days (dataCapture.retentionDays)."}
	count(rules_with_request("/dataCapture/retentionDays", 184)) == 0
	rules_with_request("/dataCapture/samplingPercent", 99) == {"deployment.logging_missing"}
	rules_with_request("/dataCapture/captureResponse", false) == {"deployment.logging_missing"}
	rules_with_request("/dataCapture/enabled", false) == {"deployment.logging_missing"}
}

test_limited_risk_needs_none_of_the_high_risk_rules if {
	limited := {
		"approval": {"riskClass": "limited", "humanOversightEvidence": null},
		"request": {"strategy": {"type": "all-at-once", "alarms": []}, "dataCapture": {"enabled": false}},
	}
	count(violations_of(limited)) == 0
}

# Compute

test_an_instance_type_outside_the_allow_list if {
	messages_of({"environment": "staging"}, "deployment.instance_type_not_allowed") == set()
	staged := {"environment": "staging", "request": {"compute": {"instanceType": "ml.p4d.24xlarge", "maxInstanceCount": 1}}}
	messages_of(staged, "deployment.instance_type_not_allowed") == {"Instance type ml.p4d.24xlarge is not allowed in staging (allowed: ml.m5.large, ml.m5.xlarge, ml.g5.xlarge, ml.g5.2xlarge, ml.g6.xlarge, g5.xlarge, g5.2xlarge, g6.xlarge, g6.2xlarge)."}
}

test_a_gpu_node_type_outside_the_allow_list if {
	gpu := object.union(fx.gpu_request, {"compute": {"nodeInstanceType": "g5.2xlarge"}})
	rules_of({"environment": "dev", "request": gpu}) == {"deployment.instance_type_not_allowed"}
}

test_a_gpu_type_outside_the_allow_list if {
	gpu := object.union(fx.gpu_request, {"compute": {"gpuType": "nvidia-h100"}})
	messages_of({"request": gpu}, "deployment.gpu_type_not_allowed") == {"GPU type nvidia-h100 is not allowed in prod (allowed: nvidia-a10g, nvidia-l4, nvidia-a100)."}
}

test_gpus_per_replica_up_to_the_cap if {
	count(violations_of({"environment": "staging", "request": fx.gpu_request})) == 0
	two := object.union(fx.gpu_request, {"compute": {"gpuCount": 2}})
	messages_of({"environment": "staging", "request": two}, "deployment.gpu_count_over_cap") == {"Each replica asks for 2 GPUs; staging allows at most 1."}
	eight := object.union(fx.gpu_request, {"compute": {"gpuCount": 8}})
	count(violations_of({"request": eight})) == 0
	nine := object.union(fx.gpu_request, {"compute": {"gpuCount": 9}})
	rules_of({"request": nine}) == {"deployment.gpu_count_over_cap"}
	"deployment.gpu_count_over_cap" in rules_of({"request": object.union(fx.gpu_request, {"compute": {"gpuCount": "1"}})})
}

test_the_autoscaling_maximum_up_to_the_cap if {
	count(rules_with_request("/compute/maxInstanceCount", 8)) == 0
	messages_with_request("/compute/maxInstanceCount", 9) == {"The autoscaling maximum is 9; prod allows at most 8."}
	replicas := object.union(fx.gpu_request, {"compute": {"maxReplicas": 9}})
	"deployment.autoscaling_over_cap" in rules_of({"request": replicas})
	"deployment.autoscaling_over_cap" in rules_with_request("/compute/maxInstanceCount", null)
}

# Cost

test_no_price_for_the_instance_type_in_the_region if {
	environments := object.union(data.verdict.config.deployment.environments, {"prod": {"instanceTypes": ["ml.c5.large"]}})
	violations := violations_of({"request": {"compute": {"instanceType": "ml.c5.large"}}}) with data.verdict.config.deployment.environments as environments
	{v.message | some v in violations} == {"The price table has no single on-demand price for ml.c5.large in eu-west-1; the monthly cost cannot be estimated."}
}

test_a_cost_equal_to_the_budget_is_within_it if {
	# 4 x ml.m5.xlarge in eu-west-1: 0.256 USD an hour x 4 x 730 hours = 747.52 USD.
	count(violations_of({})) == 0 with data.verdict.config.deployment.budgets.byCostCentre as {"cc-credit": 747.52}
}

test_a_cost_over_the_budget_is_refused if {
	violations := violations_of({}) with data.verdict.config.deployment.budgets.byCostCentre as {"cc-credit": 747.51}
	{v.message | some v in violations} == {"The monthly estimate of USD 747.52 (4 x ml.m5.xlarge at USD 0.256 an hour, 730 hours) exceeds the budget of USD 747.51 of cost centre cc-credit."}
}

test_the_default_budget_applies_to_an_unknown_cost_centre if {
	violations := violations_of({}) with data.verdict.config.deployment.budgets["default"] as 700
	{v.rule | some v in violations} == {"deployment.cost_over_budget"}
}

test_a_budget_that_is_not_a_number_refuses if {
	violations := violations_of({}) with data.verdict.config.deployment.budgets as {"default": "lots", "byCostCentre": {}}
	{v.message | some v in violations} == {"The monthly estimate of USD 747.52 (4 x ml.m5.xlarge at USD 0.256 an hour, 730 hours) exceeds the budget of USD none of cost centre cc-credit."}
}

# Tags, region, network isolation

test_every_mandatory_tag_is_needed if {
	messages_of({"request": {"tags": {"owner": ""}}}, "deployment.tag_missing") == {"The deployment has no owner tag."}
	untagged := json.remove(fx.gate_input, ["request/tags"])
	{v.message | some v in violations_for(untagged); v.rule == "deployment.tag_missing"} == {
		"The deployment has no owner tag.",
		"The deployment has no cost-centre tag.",
		"The deployment has no model tag.",
		"The deployment has no risk-class tag.",
	}
}

test_a_region_outside_the_allow_list if {
	messages_of({"request": {"region": "us-east-1"}}, "deployment.region_not_allowed") == {"Region us-east-1 is not allowed (allowed: eu-west-1, eu-central-1)."}
	rules_of({"request": {"region": "us-east-1"}}) == {"deployment.region_not_allowed"}
	count(violations_of({"request": {"region": "eu-central-1"}})) == 0
}

test_personal_data_needs_network_isolation if {
	messages_of({"request": {"networkIsolation": false}}, "deployment.network_isolation_required") == {"The model was trained on personal data (the AI-system profile declares personalData) and is deployed without network isolation."}
	messages_of({"request": {"networkIsolation": false}, "profile": null}, "deployment.network_isolation_required") == {"The model was trained on personal data (no AI-system profile says otherwise) and is deployed without network isolation."}
	found := object.union(without_personal_data, {"request": {"networkIsolation": false}, "approval": {"personalDataFound": ["US_SSN"]}})
	{v.message | some v in violations_for(found)} == {"The model was trained on personal data (the registry gate found US_SSN) and is deployed without network isolation."}
}

test_no_personal_data_needs_no_isolation if {
	count(violations_for(object.union(without_personal_data, {"request": {"networkIsolation": false}}))) == 0
}

# The fixture with a profile that declares no personal data.
without_personal_data := json.patch(fx.gate_input, [{"op": "replace", "path": "/profile", "value": data.verdict.test.fixtures.profile}])

test_a_request_without_strategy_is_not_gradual if {
	rules := {v.rule | some v in violations_for(json.remove(fx.gate_input, ["request/strategy"]))}
	rules == {"deployment.strategy_not_gradual", "deployment.rollback_alarms_missing"}
}
