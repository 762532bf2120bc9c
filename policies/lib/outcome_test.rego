package verdict.lib.outcome_test

import data.verdict.lib.outcome

violation(rule, severity, message) := {"rule": rule, "severity": severity, "message": message, "reference": "-", "remediation": "-"}

test_no_violation_allows if {
	outcome.decide(set()) == "allow"
}

test_critical_or_high_denies if {
	outcome.decide({violation("a", "critical", "m")}) == "deny"
	outcome.decide({violation("a", "high", "m")}) == "deny"
	outcome.decide({violation("a", "high", "m"), violation("b", "low", "m")}) == "deny"
}

test_only_medium_or_low_needs_review if {
	outcome.decide({violation("a", "medium", "m")}) == "review"
	outcome.decide({violation("a", "low", "m")}) == "review"
	outcome.decide({violation("a", "medium", "m"), violation("b", "low", "m")}) == "review"
}

test_unknown_or_missing_severity_denies if {
	outcome.decide({violation("a", "blocker", "m")}) == "deny"
	outcome.decide({{"rule": "a", "message": "m"}}) == "deny"
}

test_mapping_is_policy_data if {
	outcome.decide({violation("a", "high", "m")}) == "review" with data.verdict.config.outcome.outcomeBySeverity.high as "review"
	outcome.decide({violation("a", "low", "m")}) == "allow" with data.verdict.config.outcome.outcomeBySeverity.low as "allow"
}

test_mapping_to_an_unknown_outcome_denies if {
	outcome.decide({violation("a", "low", "m")}) == "deny" with data.verdict.config.outcome.outcomeBySeverity.low as "warn"
}

test_ordered_by_rule_then_message if {
	ordered := outcome.ordered({
		violation("profile.missing", "critical", "b"),
		violation("bias.disparate_impact", "high", "z"),
		violation("bias.disparate_impact", "high", "a"),
		violation("a.rule", "low", "y"),
	})
	[[v.rule, v.message] | some v in ordered] == [
		["a.rule", "y"],
		["bias.disparate_impact", "a"],
		["bias.disparate_impact", "z"],
		["profile.missing", "b"],
	]
}

test_ordered_of_nothing_is_empty if {
	outcome.ordered(set()) == []
}
