# METADATA
# title: Data gate - a dataset version registered with its manifest
# description: |
#   Decides whether a dataset version may be used for training. The entrypoint is
#   data.verdict.gates.data.decision (verdict/gates/data/decision).
#
#   Input, built by the TypeScript gate (functions/gates/data/data-input.ts):
#
#     {
#       "gate": "data",
#       "manifest": <the dataset manifest (functions/contracts/dataset-manifest.ts)>,
#       "dataset": {"name", "uri", "sha256", "bytes", "rows", "header": [column names]},
#       "pii": {"status": "scanned", "columns": {"<column>": {"<ENTITY>": count}}}
#            | {"status": "unreadable", "reason"},
#       "bias": {"metrics": {"CI", "DPL", "KL", "JS", "LP", "TVD", "KS", "CDDL"?: number | null}}
#              present when the manifest's fairness columns are all in the data
#     }
#
#   Thresholds per risk class are policy data (data.verdict.config.data.biasThresholds); a metric
#   that is null (not defined on the data) fails closed. Output: the common gate result
#   {"decision", "riskClass", "violations", "obligations": []}.
# related_resources:
#   - description: Regulation (EU) 2016/679 (GDPR), Arts. 5, 6, 12, 17 and 30
#     ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#   - description: Regulation (EU) 2024/1689 (AI Act), Arts. 5 and 10
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.gates.data

import data.verdict.lib.outcome
import data.verdict.lib.text

config := data.verdict.config.data

rules := config.rules

# METADATA
# title: The manifest and the dataset facts (empty when absent, so that every rule still applies)
# scope: document
default manifest := {}

manifest := input.manifest if is_object(input.manifest)

default header := []

header := input.dataset.header if is_array(input.dataset.header)

default name := "(unnamed)"

name := manifest.name if is_string(manifest.name)

default risk_class := "unknown"

risk_class := manifest.riskClass if is_string(manifest.riskClass)

subject_keys := object.get(manifest, "subjectKeys", [])

pii_columns := object.get(manifest, "piiColumns", [])

fairness := object.get(manifest, "fairness", null)

# METADATA
# title: Every column the manifest names
# scope: document
declared_columns contains column if some column in subject_keys

declared_columns contains column if some column in pii_columns

declared_columns contains fairness.facet.column if is_object(fairness)

declared_columns contains fairness.label.column if is_object(fairness)

declared_columns contains fairness.groups if is_string(fairness.groups)

evaluable if {
	count(manifest) > 0
	count(header) > 0
}

missing_columns contains column if {
	some column in declared_columns
	not column in header
}

undeclared_pii contains column if {
	some column, entities in input.pii.columns
	count(entities) > 0
	not column in pii_columns
	not column in subject_keys
}

missing_subject_keys contains key if {
	some key in subject_keys
	not key in header
}

no_usable_subject_key if count(subject_keys) == 0

no_usable_subject_key if count(missing_subject_keys) > 0

thresholds := object.get(config.biasThresholds, risk_class, {})

bias_severity := object.get(config.biasSeverity, risk_class, "high")

metrics := input.bias.metrics if is_object(input.bias.metrics)

pii := object.get(input, "pii", {})

pii_reason := text.of(object.get(pii, "reason", "no scan"))

has_legal_basis if is_string(manifest.legalBasis)

violation(rule, values) := {
	"rule": rule.rule,
	"severity": rule.severity,
	"message": sprintf(rule.message, values),
	"reference": rule.reference,
	"remediation": rule.remediation,
}

listed(columns) := concat(", ", sort([sprintf("\"%s\"", [c]) | some c in columns]))

# METADATA
# title: No manifest or no header - fail closed
violations contains violation(rules.inputInvalid, [
	text.of(object.get(input, "manifest", null)),
	text.of(object.get(object.get(input, "dataset", {}), "header", null)),
]) if {
	not evaluable
}

# METADATA
# title: A dataset declared for a prohibited practice
violations contains violation(rules.prohibitedUse, [name]) if {
	evaluable
	risk_class == "prohibited"
}

# METADATA
# title: The manifest names columns the data does not have
violations contains violation(rules.columnsMissing, [listed(missing_columns), listed(header)]) if {
	evaluable
	count(missing_columns) > 0
}

# METADATA
# title: Personal data in a column the manifest does not declare - the manifest lies
violations contains violation(rules.undeclaredPii, [listed(undeclared_pii)]) if {
	evaluable
	count(undeclared_pii) > 0
}

# METADATA
# title: No Art. 6(1) ground
violations contains violation(rules.noLegalBasis, [name]) if {
	evaluable
	not has_legal_basis
}

# METADATA
# title: Personal data without a subject key that is in the data
violations contains violation(rules.subjectKeysMissing, [name, listed(subject_keys), listed(missing_subject_keys)]) if {
	evaluable
	no_usable_subject_key
}

# METADATA
# title: The PII scan did not run - fail closed
violations contains violation(rules.piiUnscanned, [pii_reason]) if {
	evaluable
	object.get(pii, "status", "") != "scanned"
}

# METADATA
# title: A high-risk dataset with no facet and label to examine
violations contains violation(rules.fairnessMissing, [name, risk_class]) if {
	evaluable
	risk_class in config.fairnessRequired
	not is_object(fairness)
}

# METADATA
# title: A metric the policy bounds that is not defined on the data - fail closed
violations contains object.union(violation(rules.biasUncomputable, [metric, name]), {"severity": bias_severity}) if {
	evaluable
	is_object(metrics)
	some metric, _ in thresholds
	object.get(metrics, metric, "absent") == null
}

# METADATA
# title: A pre-training bias metric outside the risk class's bounds (Art. 10(2)(f))
violations contains object.union(
	violation(rules.biasThreshold, [metric, sprintf("%.4f", [value]), bounds_text(bound), risk_class]),
	{"severity": bias_severity},
) if {
	evaluable
	some metric, bound in thresholds
	value := metrics[metric]
	is_number(value)
	outside(value, bound)
}

# METADATA
# title: The gate's decision
# entrypoint: true
decision := {
	"decision": outcome.decide(violations),
	"riskClass": risk_class,
	"violations": outcome.ordered({reported(v) | some v in violations}),
	"obligations": [],
}

# METADATA
# title: A violation as reported - its family data, enforced
reported(v) := object.union(v, {"family": "data", "mode": "enforce"})

outside(value, bound) if abs(value) > bound.maxAbs

outside(value, bound) if value > bound.max

bounds_text(bound) := sprintf("[-%v, %v]", [bound.maxAbs, bound.maxAbs]) if is_number(bound.maxAbs)

bounds_text(bound) := sprintf("[0, %v]", [bound.max]) if is_number(bound.max)
