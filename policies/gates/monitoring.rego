# METADATA
# title: Monitoring gate - a live deployment re-evaluated when one of its alarms fires
# description: |
#   Decides what happens to a live deployment when a CloudWatch alarm it names in
#   request.strategy.alarms goes into ALARM: keep it, roll it back, or revoke the approval it
#   runs on. The entrypoint is data.verdict.gates.monitoring.decision
#   (verdict/gates/monitoring/decision).
#
#   Input, built by the TypeScript gate (functions/gates/monitoring/monitoring-input.ts):
#
#     {
#       "gate": "monitoring",
#       "now": "2026-11-28T10:00:00.000Z",          evaluation time, RFC 3339
#       "subject": {"kind": "model-package", "id": "<arn>", "group": "<group>", "version": "3"},
#       "deployment": {"id", "status": "baking" | "promoted", "environment",
#                      "riskClass": the deployment gate's decision's risk class,
#                      "strategy": <the request's strategy>},
#       "alarm": {"name", "state": "ALARM", "reason", "timestamp"}
#     }
#
#   The alarm's kind (data_drift, bias_drift, error_rate, latency, other) comes from the policy
#   data: alarmNames maps an exact name to a kind; otherwise the first alarmKinds entry with a
#   nameContains fragment found in the lower-cased name; otherwise other.
#
#   Output, always defined, whatever the input (fails closed to rollback):
#
#     {
#       "action": "keep" | "rollback" | "revoke",   the gravest action of the violations; keep without
#       "decision": "allow" | "review" | "deny",    allow: keep, nothing found; review: keep, recorded;
#                                                   deny: rollback or revoke
#       "riskClass", "alarmKind",
#       "violations": [{"rule", "severity", "message", "reference", "remediation", "family", "mode"}],
#       "obligations": []
#     }
# related_resources:
#   - description: Regulation (EU) 2024/1689 (AI Act), Arts. 9, 15, 26, 72 and 73
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.gates.monitoring

import data.verdict.lib.outcome
import data.verdict.lib.text

config := data.verdict.config.monitoring

rules := config.rules

# METADATA
# title: The deployment and the alarm (empty when absent, so that every rule still applies)
# scope: document
default deployment := {}

deployment := input.deployment if is_object(input.deployment)

default alarm := {}

alarm := input.alarm if is_object(input.alarm)

# METADATA
# title: The alarm's name, lower-cased for matching (empty when absent)
# scope: document
default alarm_name := ""

alarm_name := alarm.name if is_string(alarm.name)

# METADATA
# title: The risk class the deployment gate recorded (unknown without one)
# scope: document
default risk_class := "unknown"

risk_class := deployment.riskClass if is_string(deployment.riskClass)

status := object.get(deployment, "status", null)

# METADATA
# title: The alarm's kind - by exact name, then by the first name fragment, else other
# scope: document
default alarm_kind := "other"

alarm_kind := config.alarmNames[alarm_name]

alarm_kind := kind if {
	not config.alarmNames[alarm_name]
	kinds := [entry.kind |
		some entry in config.alarmKinds
		some fragment in entry.nameContains
		contains(lower(alarm_name), fragment)
	]
	kind := kinds[0]
}

# METADATA
# title: An alarm with a name, on a live deployment with an id
evaluable if {
	alarm_name != ""
	is_string(deployment.id)
	live
}

live if status in config.liveStatuses

# METADATA
# title: The deployment's status, once the input can be evaluated
baking if {
	evaluable
	status == "baking"
}

promoted if {
	evaluable
	status == "promoted"
}

violation(rule, values) := {
	"rule": rule.rule,
	"severity": rule.severity,
	"message": sprintf(rule.message, values),
	"reference": rule.reference,
	"remediation": rule.remediation,
	"action": rule.action,
}

# METADATA
# title: The alarm or the deployment cannot be evaluated - fail closed
violations contains violation(rules.inputInvalid, [
	text.of(object.get(alarm, "name", null)),
	text.of(object.get(deployment, "id", null)),
	text.of(status),
]) if {
	not evaluable
}

# METADATA
# title: The risk class is unknown - fail closed
violations contains violation(rules.riskClassUnknown, [alarm_name, deployment.id]) if {
	evaluable
	risk_class == "unknown"
}

# METADATA
# title: Any alarm during the bake rolls the rollout back
violations contains violation(rules.alarmDuringBake, [alarm_name, alarm_kind, deployment.id]) if {
	baking
}

# METADATA
# title: A promoted deployment whose service degrades (error rate, latency, other rollback alarms)
violations contains violation(rules.serviceDegraded, [alarm_name, alarm_kind, deployment.id]) if {
	promoted
	alarm_kind in config.degradedKinds
}

# METADATA
# title: Bias drift on a promoted high-risk system - a risk no longer acceptable, its approval is revoked
violations contains violation(rules.biasDriftHighRisk, [alarm_name, deployment.id]) if {
	promoted
	alarm_kind == "bias_drift"
	risk_class == "high"
}

# METADATA
# title: Bias drift on a promoted system that is not high-risk
violations contains violation(rules.biasDrift, [alarm_name, deployment.id, risk_class]) if {
	promoted
	alarm_kind == "bias_drift"
	not risk_class in {"high", "unknown"}
}

# METADATA
# title: Data drift on a promoted deployment - kept, and recorded for review
violations contains violation(rules.dataDrift, [alarm_name, deployment.id]) if {
	promoted
	alarm_kind == "data_drift"
}

# METADATA
# title: The gravest action the violations call for; keep without any
# scope: document
default action := "keep"

action := ranked[count(ranked) - 1][1] if {
	ranked := sort([[config.actionRank[v.action], v.action] | some v in violations])
	count(ranked) > 0
}

# METADATA
# title: The decision - deny to roll back or revoke, review when kept with findings, allow otherwise
gate_outcome := "review" if {
	action == "keep"
	count(violations) > 0
} else := config.decisionByAction[action]

# METADATA
# title: The gate's decision
# entrypoint: true
decision := {
	"action": action,
	"decision": gate_outcome,
	"riskClass": risk_class,
	"alarmKind": alarm_kind,
	"violations": outcome.ordered({reported(v) | some v in violations}),
	"obligations": [],
}

# METADATA
# title: A violation as reported - the action it calls for is the decision's, its family monitoring, enforced
reported(v) := object.union(object.remove(v, ["action"]), {"family": "monitoring", "mode": "enforce"})
