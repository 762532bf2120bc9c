# METADATA
# title: Outcome of a gate
# description: |
#   Turns a set of violations into the gate's outcome and its deterministic report order.
#   The severity -> outcome mapping is policy data (data.verdict.config.outcome):
#   by default critical and high deny, medium and low need a human review.
#   The mapping fails closed: a severity the data does not know denies.
package verdict.lib.outcome

config := data.verdict.config.outcome

# METADATA
# title: The outcome one violation of the given severity calls for
severity_outcome(severity) := outcome if {
	outcome := config.outcomeBySeverity[severity]
} else := config.unknownSeverityOutcome

# METADATA
# title: The outcome of a set of violations
# description: |
#   allow when every violation allows (or there are none); review when each allows or needs
#   review; deny otherwise.
decide(violations) := "allow" if {
	every violation in violations {
		severity_outcome(violation.severity) == "allow"
	}
} else := "review" if {
	every violation in violations {
		severity_outcome(violation.severity) in {"allow", "review"}
	}
} else := "deny"

# METADATA
# title: The violations in a deterministic order (by rule, then message)
ordered(violations) := [entry[2] | some entry in sort({[v.rule, v.message, v] | some v in violations})]
