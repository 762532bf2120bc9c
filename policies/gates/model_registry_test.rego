package verdict.gates.model_registry_test

import data.verdict.gates.model_registry
import data.verdict.test.fixtures

decision_for(gate_input) := decision if {
	decision := model_registry.decision with input as gate_input
}

rules_of(decision) := [v.rule | some v in decision.violations]

test_minimal_risk_system_is_allowed if {
	decision_for(fixtures.gate_input) == {
		"decision": "allow",
		"riskClass": "minimal",
		"violations": [],
		"obligations": [],
	}
}

test_high_risk_system_with_fair_bias_report_is_allowed if {
	decision := decision_for(fixtures.with_bias({"useCase": "recruitment"}, fixtures.di("sex", "female", 0.8)))
	decision.decision == "allow"
	decision.riskClass == "high"
	decision.violations == []
}

test_limited_risk_system_is_allowed if {
	decision := decision_for(fixtures.with_profile({"transparency": {"generatesSyntheticContent": true}}))
	decision.decision == "allow"
	decision.riskClass == "limited"
}

test_missing_profile_is_denied if {
	decision_for(object.union(fixtures.gate_input, {"profile": null})) == {
		"decision": "deny",
		"riskClass": "unknown",
		"violations": [{
			"rule": "profile.missing",
			"severity": "critical",
			"message": "The model package names no AI-system profile, or the profile it names could not be found.",
			"reference": "Art. 11 / Annex IV",
			"remediation": "Write the AI-system profile JSON, upload it to S3 and set the model package's CustomerMetadataProperties key verdict:profile to its s3:// URI.",
		}],
		"obligations": [],
	}
}

test_garbage_input_is_denied if {
	every garbage in [42, {}, "model", [], null, true, {"profile": {}}, {"asOf": "2026-11-28", "profile": [1]}] {
		decision := decision_for(garbage)
		decision.decision == "deny"
		decision.riskClass == "unknown"
		count(decision.violations) > 0
		decision.obligations == []
	}
}

test_input_42_is_denied_for_missing_profile_and_date if {
	rules_of(decision_for(42)) == ["input.as_of_invalid", "profile.missing"]
}

test_prohibited_practice_is_denied if {
	decision := decision_for(fixtures.with_profile({"art5": {"socialScoring": true}}))
	decision.decision == "deny"
	decision.riskClass == "prohibited"
	[[v.rule, v.severity, v.reference] | some v in decision.violations] == [["prohibited.social_scoring", "critical", "Art. 5(1)(c)"]]
}

test_prohibited_high_risk_system_is_prohibited if {
	decision := decision_for(fixtures.with_bias({"useCase": "recruitment", "biometrics": {"function": "emotion_recognition", "setting": "workplace"}}, fixtures.di("sex", "female", 0.9)))
	decision.riskClass == "prohibited"
	rules_of(decision) == ["prohibited.emotion_recognition_at_work_or_school"]
}

test_manipulation_without_significant_harm_is_not_prohibited if {
	decision := decision_for(fixtures.with_profile({"art5": {"manipulativeOrSubliminal": true}}))
	decision.decision == "allow"
	decision.riskClass == "minimal"
}

test_art5_1_ba_denies_from_2026_12_02 if {
	gate_input := fixtures.with_profile({"art5": {"intimateImageryWithoutConsent": true}})
	decision_for(object.union(gate_input, {"asOf": "2026-12-01"})).decision == "allow"
	decision := decision_for(object.union(gate_input, {"asOf": "2026-12-02"}))
	decision.decision == "deny"
	decision.riskClass == "prohibited"
	[v.reference | some v in decision.violations] == ["Art. 5(1)(ba)"]
}

test_disparate_impact_below_four_fifths_is_denied if {
	decision := decision_for(fixtures.with_bias({"useCase": "recruitment"}, fixtures.di("sex", "female", 0.79)))
	decision.decision == "deny"
	decision.riskClass == "high"
	[[v.rule, v.reference] | some v in decision.violations] == [["bias.disparate_impact", "DI < 0.8"]]
}

test_disparate_impact_above_maximum_is_denied if {
	decision := decision_for(fixtures.with_bias({}, fixtures.di("sex", "male", 1.3)))
	decision.decision == "deny"
	[[v.rule, v.reference] | some v in decision.violations] == [["bias.disparate_impact", "DI > 1.25"]]
}

test_high_risk_system_without_bias_report_is_denied if {
	decision := decision_for(fixtures.with_profile({"useCase": "creditworthiness"}))
	decision.decision == "deny"
	[[v.rule, v.reference] | some v in decision.violations] == [["bias.evidence_missing", "Art. 10(2)(f)"]]
}

test_unreadable_evidence_is_denied if {
	gate_input := object.union(fixtures.with_profile({"useCase": "recruitment"}), {"evidence": {"missing": [{"kind": "bias_report", "source": "s3://b/k"}]}})
	decision := decision_for(gate_input)
	decision.decision == "deny"
	rules_of(decision) == ["bias.evidence_missing", "evidence.unreadable"]
}

test_unreadable_evidence_of_a_minimal_risk_system_is_denied if {
	decision := decision_for(object.union(fixtures.gate_input, {"evidence": {"missing": [{"kind": "bias_report", "source": "s3://b/k"}]}}))
	decision.decision == "deny"
	rules_of(decision) == ["evidence.unreadable"]
}

test_medium_severity_needs_review if {
	decision := decision_for(fixtures.with_bias({}, fixtures.di("sex", "female", 0.7))) with data.verdict.config.bias.metrics.DI.severity as "medium"
	decision.decision == "review"
	rules_of(decision) == ["bias.disparate_impact"]
}

test_violations_are_ordered_by_rule_then_message if {
	facets := {
		"sex": [{"value": "female", "metrics": {"DI": 0.7}}],
		"age": [{"value": "over_40", "metrics": {"DI": 0.6}}, {"value": "under_25", "metrics": {"DI": 1.5}}],
	}
	gate_input := object.union(
		fixtures.with_bias({"useCase": "recruitment", "art5": {"socialScoring": true}, "biometrics": {"function": "iris"}}, facets),
		{"evidence": {"missing": [{"kind": "model_card"}]}},
	)
	decision := decision_for(gate_input)
	[[v.rule, v.message] | some v in decision.violations] == [
		["bias.disparate_impact", "disparate impact (DI) for facet age, value over_40, is 0.6: below the minimum 0.8."],
		["bias.disparate_impact", "disparate impact (DI) for facet age, value under_25, is 1.5: above the maximum 1.25."],
		["bias.disparate_impact", "disparate impact (DI) for facet sex, value female, is 0.7: below the minimum 0.8."],
		["evidence.unreadable", "The gate could not read evidence the model package names: model_card."],
		["profile.unclassifiable", "The AI-system profile cannot be classified: biometrics.function iris is not a known value."],
		["prohibited.social_scoring", "Prohibited practice: social scoring leading to detrimental or unjustified treatment; the profile sets art5.socialScoring to true."],
	]
}

test_decision_does_not_depend_on_the_order_of_the_input if {
	a := {"sex": [{"value": "female", "metrics": {"DI": 0.7}}, {"value": "male", "metrics": {"DI": 1.3}}]}
	b := {"sex": [{"value": "male", "metrics": {"DI": 1.3}}, {"value": "female", "metrics": {"DI": 0.7}}]}
	first := decision_for(fixtures.with_bias({}, a))
	second := decision_for(fixtures.with_bias({}, b))
	first == second
}
