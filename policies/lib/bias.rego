# METADATA
# title: Bias examination (Art. 10(2)(f))
# description: |
#   Checks the bias metrics of a SageMaker Clarify analysis against the ranges in the policy
#   data (data.verdict.config.bias.metrics; by default disparate impact DI within
#   [0.8, 1.25], the four-fifths rule and its inverse), and demands a bias examination for
#   high-risk (Annex III) systems. Ranges are inclusive: DI = 0.8 passes.
#   data.verdict.config.bias.thresholdsByRiskClass can tighten or relax a range per risk class.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Art. 10(2)(f) and (g) (examination of possible biases)
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#   - description: SageMaker Clarify post-training bias metrics
#     ref: https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-measure-post-training-bias.html
#   - description: Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D) (four-fifths rule)
#     ref: https://www.ecfr.gov/current/title-29/section-1607.4
package verdict.lib.bias

import data.verdict.lib.risk
import data.verdict.lib.text

config := data.verdict.config.bias

# METADATA
# title: The metrics checked and their ranges for the system's risk class
checks[metric] := object.union(check, object.get(overrides, metric, {})) if {
	some metric, check in config.metrics
}

overrides := object.get(config.thresholdsByRiskClass, risk.class, {})

# METADATA
# title: One measurement per facet, facet value and checked metric of the bias evidence
measurements contains {"facet": facet, "value": object.get(entry, "value", null), "metric": metric, "measured": measured} if {
	some facet, entries in input.evidence.bias.facets
	some entry in entries
	some metric, _ in checks
	measured := entry.metrics[metric]
}

# METADATA
# title: Metric below its minimum (e.g. DI < 0.8, adverse impact against the facet value)
violations contains violation if {
	some m in measurements
	is_number(m.measured)
	check := checks[m.metric]
	m.measured < check.min
	violation := {
		"rule": check.rule,
		"severity": check.severity,
		"message": sprintf("%s (%s) for facet %s, value %s, is %s: below the minimum %s.", [check.name, m.metric, m.facet, text.of(m.value), text.of(m.measured), text.of(check.min)]),
		"reference": sprintf("%s < %s", [m.metric, text.of(check.min)]),
		"remediation": check.remediation,
	}
}

# METADATA
# title: Metric above its maximum (e.g. DI > 1.25, adverse impact against the reference group)
violations contains violation if {
	some m in measurements
	is_number(m.measured)
	check := checks[m.metric]
	m.measured > check.max
	violation := {
		"rule": check.rule,
		"severity": check.severity,
		"message": sprintf("%s (%s) for facet %s, value %s, is %s: above the maximum %s.", [check.name, m.metric, m.facet, text.of(m.value), text.of(m.measured), text.of(check.max)]),
		"reference": sprintf("%s > %s", [m.metric, text.of(check.max)]),
		"remediation": check.remediation,
	}
}

# METADATA
# title: Metric without a numeric value
# description: A metric that could not be computed cannot show that the model is fair.
violations contains violation if {
	some m in measurements
	not is_number(m.measured)
	violation := {
		"rule": config.metricInvalid.rule,
		"severity": config.metricInvalid.severity,
		"message": sprintf("%s (%s) for facet %s, value %s, is not a number (%s).", [checks[m.metric].name, m.metric, m.facet, text.of(m.value), text.of(m.measured)]),
		"reference": sprintf("%s (SageMaker Clarify)", [m.metric]),
		"remediation": config.metricInvalid.remediation,
	}
}

# METADATA
# title: High-risk system without a bias examination
# description: |
#   A system with an Annex III use must show that its data were examined for possible biases
#   (Art. 10(2)(f)): its model version must carry a bias report with at least one checked metric.
# custom:
#   reference: Art. 10(2)(f)
violations contains violation if {
	count(risk.annex_iii) > 0
	count(measurements) == 0
	violation := {
		"rule": config.evidenceMissing.rule,
		"severity": config.evidenceMissing.severity,
		"message": sprintf("The system is high-risk (%s) but the model version carries no bias report with %s for any facet.", [concat(", ", sort(risk.annex_iii)), concat(" or ", sort(object.keys(checks)))]),
		"reference": config.evidenceMissing.reference,
		"remediation": config.evidenceMissing.remediation,
	}
}
