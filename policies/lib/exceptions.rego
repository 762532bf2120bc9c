# METADATA
# title: Exceptions (waivers) of violations
# description: |
#   input.exceptions lists the exceptions recorded for the model: [{id, rule, subject, reason,
#   approver, expiresAt}]. An exception waives a violation when it names the violation's rule
#   and the subject (the model package group name or the package ARN), carries an id, a reason
#   and an approver, and its expiresAt (RFC 3339) is later than the evaluation time input.now:
#   the violation stays in the decision with the waiver and no longer decides the outcome. An
#   expired exception waives nothing: it lapses on its own. Rules whose prefix is listed in
#   data.verdict.config.exceptions.nonWaivable (the Art. 5 prohibitions) are never waived: the
#   violation keeps deciding and says which exception was refused. Without a valid input.now no
#   exception waives anything (fail closed).
package verdict.lib.exceptions

import data.verdict.lib.text
import data.verdict.lib.timestamps

config := data.verdict.config.exceptions

# METADATA
# title: The evaluation time in seconds since the epoch
now := timestamps.seconds(input.now)

# METADATA
# title: The names the subject goes by - its model package group and its ARN
subject_names contains name if {
	some name in [input.subject.group, input.subject.id]
	is_string(name)
	name != ""
}

# METADATA
# title: The exceptions that name the violation's rule and the subject
matching(violation) := {exception |
	some exception in input.exceptions
	exception.rule == violation.rule
	exception.subject in subject_names
}

# METADATA
# title: An exception in force - complete, and expiring after the evaluation time
in_force(exception) if {
	timestamps.seconds(exception.expiresAt) > now
	every field in ["id", "reason", "approver"] {
		is_string(exception[field])
		trim_space(exception[field]) != ""
	}
}

# METADATA
# title: Why a rule cannot be waived, when its prefix is non-waivable
refusal(rule) := concat("; ", reasons) if {
	reasons := sort({reason |
		some prefix, reason in config.nonWaivable
		startswith(rule, prefix)
	})
	count(reasons) > 0
}

# METADATA
# title: What the exceptions add to a violation - waiverRefused, a waiver, or nothing
annotation(violation) := {"waiverRefused": refused} if {
	reason := refusal(violation.rule)
	ids := sort([text.of(exception.id) | some exception in matching(violation)])
	count(ids) > 0
	refused := concat("; ", [sprintf("%s: %s", [id, reason]) | some id in ids])
} else := {"waiver": waiver} if {
	not refusal(violation.rule)
	waiver := chosen_waiver(violation)
} else := {}

# The exception in force that lasts longest (then the smallest id), as the waiver it grants.
chosen_waiver(violation) := waiver if {
	candidates := sort([[0 - timestamps.seconds(exception.expiresAt), exception.id, exception] |
		some exception in matching(violation)
		in_force(exception)
	])
	count(candidates) > 0
	exception := candidates[0][2]
	waiver := {
		"id": exception.id,
		"approver": exception.approver,
		"reason": exception.reason,
		"expiresAt": exception.expiresAt,
	}
}
