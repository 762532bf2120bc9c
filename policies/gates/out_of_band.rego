# METADATA
# title: Out-of-band changes - a governed endpoint changed outside Verdict
# description: |
#   Decides, for the deployment gate, on a SageMaker call that changed an endpoint a Verdict
#   deployment runs on (CloudTrail's record of it): only the orchestrator role may change what a
#   governed endpoint serves. The entrypoint is data.verdict.gates.out_of_band.decision
#   (verdict/gates/out_of_band/decision); the decision is recorded with gate "deployment".
#
#   Input, built by the TypeScript gate (functions/gates/out-of-band/out-of-band-input.ts):
#
#     {
#       "gate": "deployment",
#       "environment": the live deployment's environment,
#       "now": "2026-11-28T10:00:00.000Z",
#       "subject": {"kind": "model-package", ...},   what the endpoint serves now, or the deployment it displaced
#       "riskClass": the live deployment's risk class,
#       "call": {"eventId", "eventName", "eventTime",
#                "caller": the role ARN, or the identity type (IAMUser, Root): never a user name},
#       "orchestratorRoleArn": "<arn>" | null,
#       "target": "sagemaker:<endpoint>",
#       "governed": true | false,                    a Verdict deployment is promoted or rolling out there
#       "liveDeployments": ["<deployment id>"],
#       "serving": {"deleted": bool, "artifacts": ["<package ARN or image>"],
#                   "servesLiveDeployment": bool},
#       "remediation": {"mode": "alert" | "restore" | "delete",
#                       "action": "alert" | "restore" | "delete" | "none",   what the mode does here
#                       "restores": "<deployment id>" | null}
#     }
#
#   Output, always defined, whatever the input (missing facts count against the change):
#
#     {"decision", "riskClass", "violations": [...], "obligations": []}
# related_resources:
#   - description: Regulation (EU) 2024/1689 (AI Act), Arts. 12 and 15
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.gates.out_of_band

import data.verdict.lib.modes
import data.verdict.lib.outcome
import data.verdict.lib.text

rule := data.verdict.config.deployment.rules.outOfBand

# METADATA
# title: The call, what is served and the remediation (empty when absent, so that the rule still applies)
# scope: document
default api_call := {}

api_call := input.call if is_object(input.call)

default serving := {}

serving := input.serving if is_object(input.serving)

default plan := {}

plan := input.remediation if is_object(input.remediation)

# METADATA
# title: The risk class of the live deployment (unknown without one)
# scope: document
default risk_class := "unknown"

risk_class := input.riskClass if is_string(input.riskClass)

# METADATA
# title: The orchestrator made the call - the one role that changes governed endpoints
by_orchestrator if {
	is_string(input.orchestratorRoleArn)
	input.orchestratorRoleArn != ""
	api_call.caller == input.orchestratorRoleArn
}

# METADATA
# title: The endpoint still serves what a live deployment put there
serves_live_deployment if {
	serving.deleted == false
	serving.servesLiveDeployment == true
}

# METADATA
# title: Only an endpoint no Verdict deployment runs on is ungoverned
ungoverned if input.governed == false

# METADATA
# title: A governed endpoint changed by anyone but the orchestrator, serving what no gate allowed there
violations contains {
	"rule": rule.rule,
	"severity": rule.severity,
	"message": sprintf(finding, [
		text.of(object.get(api_call, "eventName", null)),
		text.of(object.get(api_call, "caller", null)),
		text.of(object.get(api_call, "eventId", null)),
		text.of(object.get(input, "target", null)),
		now_serving,
		listed(object.get(input, "liveDeployments", [])),
		remedy,
	]),
	"reference": rule.reference,
	"remediation": rule.remediation,
	"family": modes.family(rule.rule),
	"mode": modes.mode(rule.rule),
} if {
	not ungoverned
	not by_orchestrator
	not serves_live_deployment
}

finding := concat(" ", [
	"%s by %s (CloudTrail event %s) changed %s outside Verdict:",
	"it %s, which no live deployment (%s) put there. %s",
])

# METADATA
# title: What the endpoint serves after the call
# scope: document
default now_serving := "serves what cannot be read"

now_serving := "was deleted" if serving.deleted == true

now_serving := sprintf("now serves %s", [listed(serving.artifacts)]) if {
	serving.deleted == false
	is_array(serving.artifacts)
}

# METADATA
# title: What the remediation mode does about it
# scope: document
default remedy := "Remediation: none recorded, the endpoint is left as it is."

remedy := sprintf("Remediation (mode %s): the endpoint config of deployment %s is restored.", [
	text.of(plan.mode),
	text.of(plan.restores),
]) if {
	plan.action == "restore"
}

remedy := sprintf("Remediation (mode %s): the endpoint is deleted.", [text.of(plan.mode)]) if {
	plan.action == "delete"
}

remedy := described if {
	plan.action == "alert"
	described := sprintf(
		"Remediation (mode %s): alerted only (Verdict Out-Of-Band Deployment), nothing is changed.",
		[text.of(plan.mode)],
	)
}

remedy := described if {
	plan.action == "none"
	described := sprintf(
		"Remediation (mode %s): nothing left to change, the endpoint is gone.",
		[text.of(plan.mode)],
	)
}

listed(values) := concat(", ", [text.of(v) | some v in values]) if {
	is_array(values)
	count(values) > 0
}

listed(values) := "none" if not non_empty_array(values)

non_empty_array(values) if {
	is_array(values)
	count(values) > 0
}

# METADATA
# title: The violations that decide - enforced (the rule always is) and not waived
deciding contains violation if {
	some violation in violations
	violation.mode == "enforce"
}

# METADATA
# title: The gate's decision
# entrypoint: true
decision := {
	"decision": outcome.decide(deciding),
	"riskClass": risk_class,
	"violations": outcome.ordered(violations),
	"obligations": [],
}
