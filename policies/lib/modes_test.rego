package verdict.lib.modes_test

import data.verdict.lib.modes

test_family_by_rule_prefix if {
	modes.family("prohibited.social_scoring") == "eu_ai_act"
	modes.family("euaiact.obligation_evidence_missing") == "eu_ai_act"
	modes.family("bias.disparate_impact") == "bias"
	modes.family("pii.unmasked") == "pii"
	modes.family("profile.missing") == "profile"
	modes.family("evidence.unreadable") == "evidence"
	modes.family("input.as_of_invalid") == "input"
}

test_unknown_prefix_is_its_own_family if {
	modes.family("gate.policy_error") == "unclassified"
	modes.family(42) == "unclassified"
}

test_longest_prefix_wins if {
	prefixes := {"bias.": "bias", "bias.clarify.": "clarify"}
	modes.family("bias.clarify.metric") == "clarify" with data.verdict.config.families.byRulePrefix as prefixes
	modes.family("bias.disparate_impact") == "bias" with data.verdict.config.families.byRulePrefix as prefixes
}

test_every_family_enforces_by_default if {
	every rule in ["bias.x", "pii.x", "profile.x", "evidence.x", "input.x", "euaiact.x", "gate.x"] {
		modes.mode(rule) == "enforce" with input as {"environment": "prod"}
	}
}

configured_modes := {
	"default": {"bias": "enforce", "pii": "dry-run"},
	"dev": {"bias": "warn", "eu_ai_act": "warn"},
	"prod": {},
}

test_environment_entry_then_default_entry if {
	modes.mode("bias.x") == "warn" with input as {"environment": "dev"} with data.verdict.config.modes as configured_modes
	modes.mode("bias.x") == "enforce" with input as {"environment": "prod"} with data.verdict.config.modes as configured_modes
	modes.mode("pii.x") == "dry-run" with input as {"environment": "dev"} with data.verdict.config.modes as configured_modes
	modes.mode("pii.x") == "dry-run" with input as {"environment": "staging"} with data.verdict.config.modes as configured_modes
	modes.mode("pii.x") == "dry-run" with input as {} with data.verdict.config.modes as configured_modes
	modes.mode("profile.x") == "enforce" with input as {"environment": "dev"} with data.verdict.config.modes as configured_modes
}

test_prohibited_practices_always_enforce if {
	modes.mode("prohibited.social_scoring") == "enforce" with input as {"environment": "dev"} with data.verdict.config.modes as configured_modes
	modes.mode("euaiact.obligation_evidence_missing") == "warn" with input as {"environment": "dev"} with data.verdict.config.modes as configured_modes
}

test_unknown_mode_enforces if {
	modes.mode("bias.x") == "enforce" with input as {"environment": "dev"} with data.verdict.config.modes.dev.bias as "warning"
}
