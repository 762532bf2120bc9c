# METADATA
# title: Deployment gate
# description: |
#   Decides whether a model version may run on a target (a SageMaker endpoint or an EKS GPU
#   workload). The entrypoint is data.verdict.gates.deployment.decision
#   (verdict/gates/deployment/decision).
#
#   Input, built by the TypeScript gate (functions/gates/deployment/deployment-input.ts):
#
#     {
#       "gate": "deployment",
#       "environment": "dev" | "staging" | "prod",  the request's environment: modes, allow-lists, caps
#       "now": "2026-11-28T10:00:00.000Z",         evaluation time, RFC 3339 (exceptions expire against it)
#       "subject": {"kind": "model-package", "id": "<arn>", "group": "<group name>", "version": "3"},
#       "request": <DeploymentRequest: target, region, strategy, compute, tags, networkIsolation,
#                   dataCapture, humanOversightEvidence>,
#       "approval": null | {                       the ledger's latest model-registry decision
#         "decisionId", "decision": "allow" | "deny" | "review", "riskClass",
#         "revoked": false | true, "revokedAt"?,
#         "artifactDigest": "sha256:...",          the artifact the decision was made for
#         "humanOversightEvidence": "s3://..." | null,   the human_oversight obligation's evidence
#         "personalDataFound": ["US_SSN"]           categories the registry gate's pii rules found
#       },
#       "artifact": {"digest": "sha256:..."},      the package's artifact now, resolved by the gate
#       "profile": <AI-system profile object> | null,
#       "evidence": {"humanOversight": null | {     the approval's document, else the request's, as read
#         "uri", "readable": bool,                 false when the store could not be read
#         "exists": bool, "sha256": "<hex>" | null, "size": bytes | null}},
#       "exceptions": [{"id", "rule", "subject", "reason", "approver", "expiresAt"}]
#     }
#
#   Output, always defined, whatever the input (the gate fails closed):
#
#     {
#       "decision": "allow" | "deny" | "review",
#       "riskClass": the approval's risk class, "unknown" without one,
#       "violations": [{"rule", "severity", "message", "reference", "remediation",
#                       "family", "mode", "waiver"?, "waiverRefused"?}],   sorted by rule, then message
#       "obligations": [{"id": "human_oversight", "ref", "title", "applies", "satisfied",
#                        "evidence": "s3://...", "evidenceSha256"?}],   high-risk only
#       "cost": null | {"instanceType", "region", "units", "hoursPerMonth", "hourlyUsd",
#                       "monthlyUsd", "budgetUsd", "costCentre"}
#     }
# related_resources:
#   - description: Regulation (EU) 2024/1689 (AI Act)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.gates.deployment

import data.verdict.lib.deployment
import data.verdict.lib.exceptions
import data.verdict.lib.modes
import data.verdict.lib.outcome
import data.verdict.lib.pricing

# METADATA
# title: The gate's decision
# description: |
#   allow, deny or review, with the approval's risk class, every violation found (with its family,
#   mode and waiver) and the cost estimate.
# entrypoint: true
decision := {
	"decision": gate_outcome,
	"riskClass": deployment.risk_class,
	"violations": outcome.ordered(reported),
	"obligations": [o | some o in deployment.obligations],
	"cost": pricing.estimate,
}

# METADATA
# title: The outcome - never allow a model whose risk class is unknown
gate_outcome := "deny" if {
	deployment.risk_class == "unknown"
	outcome.decide(deciding) == "allow"
} else := outcome.decide(deciding)

# METADATA
# title: Every violation as reported - with its family, its mode and what the exceptions say of it
reported contains object.union_n([
	violation,
	{"family": modes.family(violation.rule), "mode": modes.mode(violation.rule)},
	exceptions.annotation(violation),
]) if {
	some violation in deployment.violations
}

# METADATA
# title: The violations that decide the outcome - in enforce mode and not waived
deciding contains violation if {
	some violation in reported
	violation.mode == "enforce"
	not violation.waiver
}
