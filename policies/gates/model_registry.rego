# METADATA
# title: Model registry gate
# description: |
#   Decides whether a model version registered in the SageMaker Model Registry may be approved.
#   The entrypoint is data.verdict.gates.model_registry.decision (verdict/gates/model_registry/decision).
#
#   Input, built by the TypeScript gate:
#
#     {
#       "gate": "model_registry",
#       "environment": "dev" | "staging" | "prod",
#       "asOf": "2026-11-28",                      evaluation date, YYYY-MM-DD
#       "subject": {"kind": "model-package", "id": "<arn>", "group": "<group name>", "version": "2"},
#       "profile": <AI-system profile object> | null,
#                                                  null: the package names no profile, or it was not found
#       "evidence": {
#         "bias": null | {                         a SageMaker Clarify analysis.json, normalised
#           "source": "s3://.../analysis.json",
#           "label": "approved",
#           "facets": {"<facet>": [{"value": "female", "metrics": {"DI": 0.71, "DPPL": 0.12, "CI": -0.08}}]}
#         },
#         "missing": [{"kind": "bias_report", "source": "s3://..."}]   evidence named but unreadable
#       }
#     }
#
#   Output, always defined, whatever the input (the gate fails closed):
#
#     {
#       "decision": "allow" | "deny" | "review",
#       "riskClass": "prohibited" | "high" | "limited" | "minimal" | "unknown",
#       "violations": [{"rule", "severity", "message", "reference", "remediation"}],
#                                                  sorted by rule, then message
#       "obligations": []                          not yet derived in this version
#     }
#
#   input.gate, input.environment and input.subject are not used by this version of the policy.
# related_resources:
#   - description: Regulation (EU) 2024/1689 (AI Act)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.gates.model_registry

import data.verdict.lib.bias
import data.verdict.lib.dates
import data.verdict.lib.evidence
import data.verdict.lib.outcome
import data.verdict.lib.profile
import data.verdict.lib.prohibited
import data.verdict.lib.risk

# METADATA
# title: The gate's decision
# description: allow, deny or review, with the risk class and every violation found.
# entrypoint: true
decision := {
	"decision": outcome.decide(violations),
	"riskClass": risk.class,
	"violations": outcome.ordered(violations),
	"obligations": [],
}

# METADATA
# title: Every violation, from each family of rules
# scope: document
violations contains violation if some violation in dates.violations

violations contains violation if some violation in profile.violations

violations contains violation if some violation in prohibited.violations

violations contains violation if some violation in risk.violations

violations contains violation if some violation in bias.violations

violations contains violation if some violation in evidence.violations
