package verdict.lib.exceptions_test

import data.verdict.lib.exceptions
import data.verdict.test.fixtures

exception(id, rule, subject, expires_at) := {
	"id": id,
	"rule": rule,
	"subject": subject,
	"reason": "Clarify re-run scheduled after the data fix",
	"approver": "dpo@example.com",
	"expiresAt": expires_at,
	"grantedAt": "2026-11-01T09:00:00Z",
}

violation(rule) := {"rule": rule, "severity": "high", "message": "m", "reference": "r", "remediation": "x"}

annotation_of(violation, list) := annotation if {
	annotation := exceptions.annotation(violation) with input as object.union(
		fixtures.gate_input,
		{"now": "2026-11-28T10:00:00.000Z", "exceptions": list},
	)
}

test_no_exceptions_no_annotation if {
	annotation_of(violation("bias.disparate_impact"), []) == {}
	exceptions.annotation(violation("bias.disparate_impact")) == {} with input as fixtures.gate_input
}

test_an_exception_in_force_waives if {
	list := [exception("ex-1", "bias.disparate_impact", "churn", "2026-12-31T00:00:00Z")]
	annotation_of(violation("bias.disparate_impact"), list) == {"waiver": {
		"id": "ex-1",
		"approver": "dpo@example.com",
		"reason": "Clarify re-run scheduled after the data fix",
		"expiresAt": "2026-12-31T00:00:00Z",
	}}
}

test_the_subject_is_the_group_or_the_package_arn if {
	arn := fixtures.gate_input.subject.id
	annotation_of(violation("bias.x"), [exception("ex-1", "bias.x", arn, "2026-12-31T00:00:00Z")]).waiver.id == "ex-1"
	annotation_of(violation("bias.x"), [exception("ex-1", "bias.x", "other-model", "2026-12-31T00:00:00Z")]) == {}
}

test_the_rule_must_match if {
	annotation_of(violation("bias.x"), [exception("ex-1", "bias.y", "churn", "2026-12-31T00:00:00Z")]) == {}
}

test_an_expired_exception_lapses if {
	annotation_of(violation("bias.x"), [exception("ex-1", "bias.x", "churn", "2026-11-28T10:00:00Z")]) == {}
	annotation_of(violation("bias.x"), [exception("ex-1", "bias.x", "churn", "2026-11-28T10:00:00.001Z")]).waiver.id == "ex-1"
}

test_expiry_compares_instants_not_text if {
	# 11:30+01:00 is 10:30Z: still in force at 10:00Z; 10:30+02:00 is 08:30Z: expired.
	annotation_of(violation("bias.x"), [exception("ex-1", "bias.x", "churn", "2026-11-28T11:30:00+01:00")]).waiver.id == "ex-1"
	annotation_of(violation("bias.x"), [exception("ex-1", "bias.x", "churn", "2026-11-28T10:30:00+02:00")]) == {}
}

test_an_incomplete_exception_waives_nothing if {
	every incomplete in [
		object.remove(exception("ex-1", "bias.x", "churn", "2026-12-31T00:00:00Z"), ["approver"]),
		object.union(exception("ex-1", "bias.x", "churn", "2026-12-31T00:00:00Z"), {"reason": "  "}),
		object.union(exception("ex-1", "bias.x", "churn", "2026-12-31T00:00:00Z"), {"id": 7}),
		exception("ex-1", "bias.x", "churn", "next year"),
	] {
		annotation_of(violation("bias.x"), [incomplete]) == {}
	}
}

test_without_a_valid_evaluation_time_nothing_is_waived if {
	list := [exception("ex-1", "bias.x", "churn", "2026-12-31T00:00:00Z")]
	exceptions.annotation(violation("bias.x")) == {} with input as object.union(fixtures.gate_input, {"exceptions": list})
	exceptions.annotation(violation("bias.x")) == {} with input as object.union(fixtures.gate_input, {"exceptions": list, "now": "soon"})
}

test_the_longest_lasting_exception_is_the_waiver if {
	list := [
		exception("ex-2", "bias.x", "churn", "2026-12-15T00:00:00Z"),
		exception("ex-1", "bias.x", "churn", "2027-01-15T00:00:00Z"),
		exception("ex-3", "bias.x", "churn", "2026-01-01T00:00:00Z"),
	]
	annotation_of(violation("bias.x"), list).waiver.id == "ex-1"
}

test_art5_prohibitions_are_never_waived if {
	list := [
		exception("ex-9", "prohibited.social_scoring", "churn", "2026-12-31T00:00:00Z"),
		exception("ex-8", "prohibited.social_scoring", "churn", "2025-12-31T00:00:00Z"),
	]
	refused := "ex-8: Art. 5 prohibitions cannot be waived; ex-9: Art. 5 prohibitions cannot be waived"
	annotation_of(violation("prohibited.social_scoring"), list) == {"waiverRefused": refused}
}

test_fail_closed_rules_are_never_waived if {
	list := [exception("ex-3", "gate.policy_error", "churn", "2026-12-31T00:00:00Z")]
	refused := "ex-3: the gate could not decide (fail closed), so there is nothing to waive"
	annotation_of(violation("gate.policy_error"), list) == {"waiverRefused": refused}
}

test_garbage_exceptions_are_ignored if {
	annotation_of(violation("bias.x"), [42, "ex-1", null, {}]) == {}
	annotation_of(violation("bias.x"), "not a list") == {}
}
