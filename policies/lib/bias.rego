# METADATA
# title: Bias examination (Art. 10(2)(f))
# description: |
#   Checks the bias metrics of the model version's bias evidence (a SageMaker Clarify analysis, or
#   metrics computed by `verdict bias`) against the thresholds in the policy data
#   (data.verdict.config.bias.metrics.<METRIC>), and demands a bias examination for high-risk systems.
#
#   Every facet value in the evidence is one pairwise comparison (the value against its reference:
#   every other value for Clarify), so a facet with more than two values is checked value by value.
#   A threshold is a range [min, max] (DI: [0.8, 1.25]) or a bound on the magnitude, maxAbs
#   (|DPPL| <= 0.1); bounds are inclusive: DI = 0.8 passes. A metric that is "Infinity" /
#   "-Infinity" (as Clarify and `verdict bias` print an infinite value) is beyond every bound on that
#   side; a checked metric without a numeric value (null: 0/0, or Clarify could not compute it)
#   cannot show that the model is fair and is its own violation.
#
#   Everything is policy data, so an organisation configures it without touching Rego: which metrics
#   are checked ("enabled": false switches one off), their bounds and severities, and per risk class
#   (data.verdict.config.bias.thresholdsByRiskClass.<class>.<METRIC>) any of those fields.
#   A metric a risk class marks "required" must be in the evidence for every facet value, else the
#   gate names the metric and the facet value it is missing for (partial evidence never passes).
#   Metric names are matched exactly as Clarify spells them; a name neither Clarify nor Verdict uses
#   (e.g. "di") is reported, never dropped.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 10(2)(f) and (g) (examination of possible biases)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#   - description: SageMaker Clarify post-training bias metrics
#     ref: https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-measure-post-training-bias.html
#   - description: Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D) (four-fifths rule)
#     ref: https://www.ecfr.gov/current/title-29/section-1607.4
#   - description: AI Fairness 360, fairness ranges of the group fairness metrics
#     ref: https://aif360.readthedocs.io/en/stable/modules/generated/aif360.sklearn.metrics.html
package verdict.lib.bias

import data.verdict.lib.risk
import data.verdict.lib.text

config := data.verdict.config.bias

# METADATA
# title: The metrics checked and their thresholds for the system's risk class
# description: The organisation-wide threshold of each enabled metric, with the risk class's overrides merged in.
checks[metric] := check if {
	some metric, base in config.metrics
	check := object.union(base, object.get(overrides, metric, {}))
	object.get(check, "enabled", true) != false
}

overrides := object.get(config.thresholdsByRiskClass, risk.class, {})

# METADATA
# title: One measurement per facet, facet value and checked metric of the bias evidence
measurements contains measurement if {
	some facet, entries in input.evidence.bias.facets
	some entry in entries
	some metric, _ in checks
	measurement := {
		"facet": facet,
		"value": object.get(entry, "value", null),
		"metric": metric,
		"measured": entry.metrics[metric],
		"error": error_of(entry, metric),
	}
}

# Why the evidence's producer could not compute a metric, when it said so (never fails on garbage).
error_of(entry, metric) := error if {
	error := entry.errors[metric]
} else := null

# A value "Infinity" / "-Infinity" is infinite; numbers are themselves.
above(measured, bound) if {
	is_number(measured)
	measured > bound
}

above("Infinity", _)

below(measured, bound) if {
	is_number(measured)
	measured < bound
}

below("-Infinity", _)

defined(measured) if is_number(measured)

defined(measured) if measured in {"Infinity", "-Infinity"}

beyond(measured, bound) if above(measured, bound)

beyond(measured, bound) if below(measured, 0 - bound)

# "disparate impact (DI) for facet sex, value female": what a message is about.
subject(m, check) := sprintf(
	"%s (%s) for facet %s, value %s",
	[check.name, m.metric, m.facet, text.of(m.value)],
)

describe(m, check) := sprintf("%s, is %s", [subject(m, check), text.of(m.measured)])

# Why a metric has no value, when its producer said so.
reason(null) := ""

reason(error) := sprintf(": %s", [text.of(error)]) if error != null

# " (Annex III 4(a))" when Annex III points make the system high-risk.
default high_risk_basis := ""

high_risk_basis := sprintf(" (%s)", [concat(", ", sort(risk.annex_iii))]) if count(risk.annex_iii) > 0

# METADATA
# title: The metrics the risk class requires for every facet value (marked required)
required contains metric if {
	some metric, check in checks
	check.required == true
}

# Every facet value of the evidence, with its metrics.
evidence_entries contains [facet, entry] if {
	some facet, entries in input.evidence.bias.facets
	some entry in entries
}

has_metric(entry, metric) if {
	_ = entry.metrics[metric]
}

value_of(entry) := entry.value if {
	_ = entry.value
} else := null

known_metrics := {name | some name in config.knownMetrics} | object.keys(config.metrics)

# METADATA
# title: Metric below its minimum (e.g. DI < 0.8, adverse impact against the facet value)
violations contains violation if {
	some m in measurements
	check := checks[m.metric]
	is_number(check.min)
	below(m.measured, check.min)
	violation := {
		"rule": check.rule,
		"severity": check.severity,
		"message": sprintf("%s: below the minimum %s.", [describe(m, check), text.of(check.min)]),
		"reference": sprintf("%s < %s", [m.metric, text.of(check.min)]),
		"remediation": check.remediation,
	}
}

# METADATA
# title: Metric above its maximum (e.g. DI > 1.25, adverse impact against the reference group)
violations contains violation if {
	some m in measurements
	check := checks[m.metric]
	is_number(check.max)
	above(m.measured, check.max)
	violation := {
		"rule": check.rule,
		"severity": check.severity,
		"message": sprintf("%s: above the maximum %s.", [describe(m, check), text.of(check.max)]),
		"reference": sprintf("%s > %s", [m.metric, text.of(check.max)]),
		"remediation": check.remediation,
	}
}

# METADATA
# title: Metric whose magnitude exceeds its bound (e.g. |DPPL| > 0.1, either group disadvantaged)
violations contains violation if {
	some m in measurements
	check := checks[m.metric]
	is_number(check.maxAbs)
	beyond(m.measured, check.maxAbs)
	violation := {
		"rule": check.rule,
		"severity": check.severity,
		"message": sprintf("%s: its magnitude is above the maximum %s.", [describe(m, check), text.of(check.maxAbs)]),
		"reference": sprintf("|%s| > %s", [m.metric, text.of(check.maxAbs)]),
		"remediation": check.remediation,
	}
}

# METADATA
# title: Metric without a numeric value
# description: |
#   A checked metric that could not be computed (null, or not a number) cannot show that the model
#   is fair. Its severity is the metric's own.
violations contains violation if {
	some m in measurements
	not defined(m.measured)
	check := checks[m.metric]
	violation := {
		"rule": config.metricInvalid.rule,
		"severity": check.severity,
		"message": sprintf("%s, is not a number (%s)%s.", [subject(m, check), text.of(m.measured), reason(m.error)]),
		"reference": sprintf("%s (%s)", [m.metric, config.metricInvalid.source]),
		"remediation": config.metricInvalid.remediation,
	}
}

# METADATA
# title: High-risk system without a bias examination
# description: |
#   A high-risk system must show that its data were examined for possible biases (Art. 10(2)(f)):
#   its model version must carry bias evidence with at least one checked metric.
# custom:
#   reference: Art. 10(2)(f)
violations contains violation if {
	risk.class == "high"
	count(measurements) == 0
	violation := {
		"rule": config.evidenceMissing.rule,
		"severity": config.evidenceMissing.severity,
		"message": sprintf(
			"The system is high-risk%s but the model version carries no bias report with %s for any facet.",
			[high_risk_basis, concat(" or ", sort(object.keys(checks)))],
		),
		"reference": config.evidenceMissing.reference,
		"remediation": config.evidenceMissing.remediation,
	}
}

# METADATA
# title: Required metric missing for a facet value
# description: |
#   A risk class that requires a metric requires it for every facet value: a report with only
#   some of them, or some values without them, is partial evidence and cannot show fairness.
violations contains violation if {
	some [facet, entry] in evidence_entries
	some metric in required
	not has_metric(entry, metric)
	check := checks[metric]
	m := {"metric": metric, "facet": facet, "value": value_of(entry)}
	violation := {
		"rule": config.metricMissing.rule,
		"severity": check.severity,
		"message": sprintf(
			"%s is missing from the bias evidence; a %s-risk system must show it for every facet value.",
			[subject(m, check), risk.class],
		),
		"reference": sprintf("%s (%s)", [config.metricMissing.reference, metric]),
		"remediation": config.metricMissing.remediation,
	}
}

# METADATA
# title: Metric name neither Clarify nor Verdict uses
# description: Names are case-sensitive. An unknown one is reported, never silently ignored.
violations contains violation if {
	some [facet, entry] in evidence_entries
	some name, _ in entry.metrics
	not name in known_metrics
	violation := {
		"rule": config.metricUnknown.rule,
		"severity": config.metricUnknown.severity,
		"message": sprintf(
			"The bias evidence for facet %s, value %s names an unknown metric %s (metric names are case-sensitive).",
			[facet, text.of(value_of(entry)), text.of(name)],
		),
		"reference": config.metricUnknown.reference,
		"remediation": config.metricUnknown.remediation,
	}
}
