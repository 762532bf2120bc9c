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
		"classification": {
			"riskClass": "minimal",
			"annexIII": null,
			"derogated": false,
			"gpai": "none",
			"transparency": [],
			"basis": [],
			"obligations": [],
		},
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
			"remediation": data.verdict.config.profile.missing.remediation,
			"family": "profile",
			"mode": "enforce",
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

test_decision_carries_the_classification if {
	decision := decision_for(fixtures.with_bias({"useCase": "recruitment"}, fixtures.di("sex", "female", 0.9)))
	decision.classification.riskClass == "high"
	decision.classification.annexIII == "4(a)"
	decision.classification.basis == ["Art. 6(2)", "Annex III 4(a)"]
	count(decision.classification.obligations) == 15
}

test_no_classification_without_a_profile if {
	not decision_for(object.union(fixtures.gate_input, {"profile": null})).classification
}

test_obligations_with_their_status if {
	decision := decision_for(fixtures.with_bias({"useCase": "recruitment"}, fixtures.di("sex", "female", 0.9)))
	count(decision.obligations) == 15
	decision.obligations[0] == {
		"id": "risk_management",
		"ref": "Art. 9",
		"title": "Risk management system",
		"holder": "provider",
		"appliesFrom": "2027-12-02",
		"applies": false,
		"satisfied": false,
	}
	decision.obligations[14].id == "deployer_obligations"
}

# A high-risk provider-and-deployer system with a fair bias report, on the given date, with the given obligation evidence.
high_risk_on(as_of, obligations) := object.union(
	fixtures.with_bias({"useCase": "recruitment"}, fixtures.di("sex", "female", 0.9)),
	{"asOf": as_of, "evidence": {"obligations": obligations}},
)

all_documents[spec.id] := {"source": sprintf("s3://verdict-evidence/churn/%s.pdf", [spec.id])} if {
	some spec in data.verdict.config.euaiact.obligations.list
}

test_high_risk_obligations_do_not_apply_before_2027_12_02 if {
	decision := decision_for(high_risk_on("2027-12-01", {}))
	decision.decision == "allow"
	decision.violations == []
}

test_high_risk_system_without_obligation_evidence_is_denied_once_they_apply if {
	decision := decision_for(high_risk_on("2027-12-02", {}))
	decision.decision == "deny"
	count(decision.violations) == 15
	every v in decision.violations {
		v.rule == "euaiact.obligation_evidence_missing"
		v.family == "eu_ai_act"
		v.mode == "enforce"
	}
	"Art. 26" in {v.reference | some v in decision.violations}
}

test_high_risk_system_with_every_obligation_evidenced_is_allowed if {
	decision := decision_for(high_risk_on("2027-12-02", all_documents))
	decision.decision == "allow"
	decision.violations == []
	every obligation in decision.obligations {
		obligation.applies
		obligation.satisfied
		startswith(obligation.evidence, "s3://verdict-evidence/churn/")
	}
}

test_each_missing_obligation_is_its_own_violation if {
	decision := decision_for(high_risk_on("2027-12-02", object.remove(all_documents, ["human_oversight", "registration"])))
	[[v.rule, v.reference] | some v in decision.violations] == [
		["euaiact.obligation_evidence_missing", "Art. 14"],
		["euaiact.obligation_evidence_missing", "Art. 49(1)"],
	]
}

test_prod_can_demand_obligation_evidence_ahead_of_the_date if {
	gate_input := high_risk_on("2026-11-28", object.remove(all_documents, ["fria", "human_oversight"]))
	ahead := {"default": false, "prod": true}
	decision := decision_for(gate_input) with data.verdict.config.euaiact.obligationEvidence.enforceObligationsAhead as ahead
	decision.decision == "deny"
	[v.reference | some v in decision.violations] == ["Art. 14"]
	decision_for(object.union(gate_input, {"environment": "dev"})).decision == "allow" with data.verdict.config.euaiact.obligationEvidence.enforceObligationsAhead as ahead
}

test_every_violation_carries_its_family_and_mode if {
	gate_input := object.union(
		fixtures.with_profile({"art5": {"socialScoring": true}}),
		{"asOf": "soon", "evidence": {"missing": [{"kind": "bias_report", "source": "s3://b/k"}]}},
	)
	decision := decision_for(gate_input)
	{[v.rule, v.family, v.mode] | some v in decision.violations} == {
		["evidence.unreadable", "evidence", "enforce"],
		["input.as_of_invalid", "input", "enforce"],
		["prohibited.social_scoring", "eu_ai_act", "enforce"],
	}
}

unreadable_evidence := object.union(
	fixtures.gate_input,
	{"evidence": {"missing": [{"kind": "bias_report", "source": "s3://b/k"}]}},
)

test_warn_mode_reports_without_deciding if {
	decision := decision_for(unreadable_evidence) with data.verdict.config.modes.prod as {"evidence": "warn"}
	decision.decision == "allow"
	[[v.rule, v.mode] | some v in decision.violations] == [["evidence.unreadable", "warn"]]
}

test_dry_run_mode_reports_for_shadow_evaluation if {
	decision := decision_for(unreadable_evidence) with data.verdict.config.modes.prod as {"evidence": "dry-run"}
	decision.decision == "allow"
	[[v.rule, v.mode] | some v in decision.violations] == [["evidence.unreadable", "dry-run"]]
}

test_modes_are_per_environment if {
	modes := {"default": {"evidence": "enforce"}, "dev": {"evidence": "warn"}}
	decision_for(object.union(unreadable_evidence, {"environment": "dev"})).decision == "allow" with data.verdict.config.modes as modes
	decision_for(unreadable_evidence).decision == "deny" with data.verdict.config.modes as modes
}

test_only_enforced_violations_decide if {
	gate_input := object.union(unreadable_evidence, {"profile": null})
	decision := decision_for(gate_input) with data.verdict.config.modes.prod as {"evidence": "warn"}
	decision.decision == "deny"
	[[v.rule, v.mode] | some v in decision.violations] == [["evidence.unreadable", "warn"], ["profile.missing", "enforce"]]
}

waiver(rule, expires_at) := {
	"id": "ex-7",
	"rule": rule,
	"subject": "churn",
	"reason": "The report is being re-generated after a bucket migration.",
	"approver": "head-of-ml@example.com",
	"expiresAt": expires_at,
	"grantedAt": "2026-11-20T08:00:00Z",
}

unfair_model := fixtures.with_bias({}, fixtures.di("sex", "female", 0.7))

test_a_waived_violation_is_reported_and_does_not_decide if {
	gate_input := object.union(unfair_model, {
		"now": "2026-11-28T10:00:00.000Z",
		"exceptions": [waiver("bias.disparate_impact", "2026-12-15T00:00:00Z")],
	})
	decision := decision_for(gate_input)
	decision.decision == "allow"
	[v.waiver | some v in decision.violations] == [{
		"id": "ex-7",
		"approver": "head-of-ml@example.com",
		"reason": "The report is being re-generated after a bucket migration.",
		"expiresAt": "2026-12-15T00:00:00Z",
	}]
}

test_an_expired_waiver_lapses if {
	gate_input := object.union(unfair_model, {
		"now": "2026-12-15T00:00:00.000Z",
		"exceptions": [waiver("bias.disparate_impact", "2026-12-15T00:00:00Z")],
	})
	decision := decision_for(gate_input)
	decision.decision == "deny"
	[object.keys(v) | some v in decision.violations] == [{"rule", "severity", "message", "reference", "remediation", "family", "mode"}]
}

test_a_prohibited_practice_cannot_be_waived if {
	gate_input := object.union(fixtures.with_profile({"art5": {"socialScoring": true}}), {
		"now": "2026-11-28T10:00:00.000Z",
		"exceptions": [waiver("prohibited.social_scoring", "2026-12-15T00:00:00Z")],
	})
	decision := decision_for(gate_input)
	decision.decision == "deny"
	[[v.rule, v.waiverRefused] | some v in decision.violations] == [[
		"prohibited.social_scoring",
		"ex-7: Art. 5 prohibitions cannot be waived",
	]]
	not decision.violations[0].waiver
}

test_a_prohibited_practice_enforces_in_every_mode if {
	decision := decision_for(fixtures.with_profile({"art5": {"socialScoring": true}})) with data.verdict.config.modes.prod as {"eu_ai_act": "dry-run"}
	decision.decision == "deny"
	[v.mode | some v in decision.violations] == ["enforce"]
}

test_an_obligation_evidence_violation_can_be_waived if {
	gate_input := object.union(high_risk_on("2027-12-02", object.remove(all_documents, ["fria", "ce_marking"])), {
		"now": "2027-12-02T10:00:00.000Z",
		"exceptions": [waiver("euaiact.obligation_evidence_missing", "2028-01-31T00:00:00+01:00")],
	})
	decision := decision_for(gate_input)
	decision.decision == "allow"
	[[v.reference, v.waiver.id] | some v in decision.violations] == [["Art. 48", "ex-7"]]
}

waived(gate_input, rule) := object.union(gate_input, {
	"now": "2026-11-28T10:00:00.000Z",
	"exceptions": [waiver(rule, "2026-12-15T00:00:00Z")],
})

test_unreadable_evidence_cannot_be_waived if {
	decision := decision_for(waived(unreadable_evidence, "evidence.unreadable"))
	decision.decision == "deny"
	[[v.rule, v.waiverRefused] | some v in decision.violations] == [[
		"evidence.unreadable",
		"ex-7: evidence that cannot be read cannot be assessed, so it cannot be waived",
	]]
}

test_a_missing_profile_cannot_be_waived if {
	decision := decision_for(waived(object.union(fixtures.gate_input, {"profile": null}), "profile.missing"))
	decision.decision == "deny"
	decision.riskClass == "unknown"
	[[v.rule, v.waiverRefused] | some v in decision.violations] == [[
		"profile.missing",
		"ex-7: without a readable AI-system profile the Art. 5 prohibitions cannot be assessed",
	]]
}

test_an_unknown_risk_class_is_never_allowed if {
	no_profile := object.union(fixtures.gate_input, {"profile": null})
	decision := decision_for(no_profile) with data.verdict.config.modes.prod as {"profile": "dry-run"}
	decision.riskClass == "unknown"
	decision.decision == "deny"
	[[v.rule, v.mode] | some v in decision.violations] == [["profile.missing", "dry-run"]]
}

test_an_unknown_risk_class_still_goes_to_review if {
	no_profile := object.union(fixtures.gate_input, {"profile": null})
	decision := decision_for(no_profile) with data.verdict.config.outcome.outcomeBySeverity.critical as "review"
	decision.decision == "review"
}
