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
#       "environment": "dev" | "staging" | "prod",  selects the modes and enforceObligationsAhead
#       "asOf": "2026-11-28",                      evaluation date, YYYY-MM-DD
#       "now": "2026-11-28T10:00:00.000Z",         evaluation time, RFC 3339 (exceptions expire against it)
#       "subject": {"kind": "model-package", "id": "<arn>", "group": "<group name>", "version": "2"},
#       "profile": <AI-system profile object> | null,
#                                                  null: the package names no profile, or it was not found
#       "evidence": {
#         "bias": null | {                         a SageMaker Clarify analysis.json, normalised
#           "source": "s3://.../analysis.json",
#           "label": "approved",
#           "facets": {"<facet>": [{"value": "female", "metrics": {"DI": 0.71, "DPPL": 0.12, "CI": -0.08}}]}
#         },
#         "obligations": {"<obligation id>": {"source": "s3://..."}},   from the verdict:evidence manifest
#         "missing": [{"kind": "bias_report", "source": "s3://..."}]   evidence named but unreadable
#       },
#       "exceptions": [{"id", "rule", "subject", "reason", "approver", "expiresAt"}]   waivers for this model
#     }
#
#   Output, always defined, whatever the input (the gate fails closed):
#
#     {
#       "decision": "allow" | "deny" | "review",   from the violations in enforce mode that no waiver covers
#       "riskClass": "prohibited" | "high" | "limited" | "minimal" | "unknown",
#       "violations": [{"rule", "severity", "message", "reference", "remediation",
#                       "family", "mode", "waiver"?, "waiverRefused"?}],
#                                                  sorted by rule, then message
#       "obligations": [{"id", "ref", "title", "holder", "appliesFrom", "applies", "satisfied", "evidence"?}],
#       "classification": {...}                    the classification (verdict/classify/classification);
#                                                  absent without a profile object
#     }
#
#   input.gate and input.subject.kind and version are not used by this version of the policy.
# related_resources:
#   - description: Regulation (EU) 2024/1689 (AI Act)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.gates.model_registry

import data.verdict.lib.bias
import data.verdict.lib.dates
import data.verdict.lib.euaiact
import data.verdict.lib.euaiact.evidence as obligation_evidence
import data.verdict.lib.euaiact.prohibited
import data.verdict.lib.euaiact.risk
import data.verdict.lib.evidence
import data.verdict.lib.exceptions
import data.verdict.lib.modes
import data.verdict.lib.outcome
import data.verdict.lib.profile

# METADATA
# title: The gate's decision
# description: |
#   allow, deny or review, with the risk class, every violation found (with its family, mode and
#   waiver), the obligations with their evidence, and the classification.
# entrypoint: true
decision := object.union(
	{
		"decision": gate_outcome,
		"riskClass": risk.class,
		"violations": outcome.ordered(reported),
		"obligations": obligation_evidence.status,
	},
	{"classification": euaiact.classification | profile.present},
)

# METADATA
# title: The outcome - never allow while the risk class is unknown
# description: |
#   A system whose risk class is unknown (no readable profile, or one that cannot be classified)
#   cannot be shown to be free of Art. 5 prohibitions, so it is never allowed, whatever the modes
#   and the waivers say of the violations that make the class unknown.
gate_outcome := "deny" if {
	risk.class == "unknown"
	outcome.decide(deciding) == "allow"
} else := outcome.decide(deciding)

# METADATA
# title: Every violation, from each family of rules
# scope: document
violations contains violation if some violation in dates.violations

violations contains violation if some violation in profile.violations

violations contains violation if some violation in prohibited.violations

violations contains violation if some violation in risk.violations

violations contains violation if some violation in obligation_evidence.violations

violations contains violation if some violation in bias.violations

violations contains violation if some violation in evidence.violations

violations contains violation if some violation in data.verdict.lib.pii.violations

# METADATA
# title: Every violation as reported - with its family, its mode and what the exceptions say of it
reported contains object.union_n([
	violation,
	{"family": modes.family(violation.rule), "mode": modes.mode(violation.rule)},
	exceptions.annotation(violation),
]) if {
	some violation in violations
}

# METADATA
# title: The violations that decide the outcome - in enforce mode and not waived
deciding contains violation if {
	some violation in reported
	violation.mode == "enforce"
	not violation.waiver
}
