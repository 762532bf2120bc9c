package verdict.lib.euaiact.risk_test

import data.verdict.lib.euaiact.risk
import data.verdict.test.fixtures

class_of(changes) := class if {
	class := risk.class with input as fixtures.with_profile(changes)
}

basis_of(changes) := basis if {
	basis := risk.basis with input as fixtures.with_profile(changes)
}

test_minimal_when_nothing_applies if {
	class_of({}) == "minimal"
	basis_of({}) == []
	count(risk.violations) == 0 with input as fixtures.gate_input
}

test_unknown_without_a_profile if {
	risk.class == "unknown" with input as {"profile": null}
	risk.class == "unknown" with input as {"profile": "s3://bucket/profile.json"}
	risk.class == "unknown" with input as 42
	risk.basis == [] with input as 42
	risk.annex_iii == null with input as 42
}

test_prohibited_wins_over_high_risk if {
	class_of({"useCase": "recruitment", "art5": {"socialScoring": true}}) == "prohibited"
	basis_of({"useCase": "recruitment", "art5": {"socialScoring": true}}) == ["Art. 5(1)(c)"]
}

test_prohibited_annex_iii_use_still_names_its_point if {
	risk.annex_iii == "4(a)" with input as fixtures.with_profile({"useCase": "recruitment", "art5": {"socialScoring": true}})
}

test_high_risk_by_annex_iii if {
	class_of({"useCase": "recruitment"}) == "high"
	basis_of({"useCase": "recruitment"}) == ["Art. 6(2)", "Annex III 4(a)"]
	risk.annex_iii == "4(a)" with input as fixtures.with_profile({"useCase": "recruitment"})
}

test_annex_iii_names_the_first_point_and_basis_all if {
	changes := {
		"useCase": "workforce_management",
		"biometrics": {"function": "emotion_recognition", "setting": "workplace", "medicalOrSafetyReason": true},
	}
	risk.annex_iii == "1(c)" with input as fixtures.with_profile(changes)
	basis_of(changes) == ["Art. 6(2)", "Annex III 1(c)", "Annex III 4(b)"]
}

annex_i := {"annexI": {
	"legislation": "Regulation (EU) 2023/1230 (machinery)",
	"safetyComponent": true,
	"thirdPartyConformityAssessment": true,
}}

test_high_risk_by_annex_i if {
	class_of(annex_i) == "high"
	basis_of(annex_i) == ["Art. 6(1)"]
	risk.annex_iii == null with input as fixtures.with_profile(annex_i)
}

test_both_routes if {
	basis_of(object.union(annex_i, {"useCase": "critical_infrastructure_safety"})) == ["Art. 6(1)", "Art. 6(2)", "Annex III 2"]
}

test_derogation_makes_an_annex_iii_system_minimal if {
	changes := {"useCase": "recruitment", "derogation": "preparatory_task"}
	class_of(changes) == "minimal"
	basis_of(changes) == ["Art. 6(3)", "Annex III 4(a)"]
	risk.derogated with input as fixtures.with_profile(changes)
	risk.annex_iii == "4(a)" with input as fixtures.with_profile(changes)
}

test_derogation_with_transparency_duties_is_limited if {
	changes := {"useCase": "recruitment", "derogation": "preparatory_task", "transparency": {"interactsWithHumans": true}}
	class_of(changes) == "limited"
	basis_of(changes) == ["Art. 50(1)", "Art. 6(3)", "Annex III 4(a)"]
}

test_profiling_keeps_the_system_high_risk if {
	changes := {"useCase": "recruitment", "derogation": "preparatory_task", "profiling": true}
	class_of(changes) == "high"
	basis_of(changes) == ["Art. 6(2)", "Annex III 4(a)", "Art. 6(3)"]
	not risk.derogated with input as fixtures.with_profile(changes)
}

test_derogation_does_not_touch_annex_i if {
	changes := object.union(annex_i, {"useCase": "critical_infrastructure_safety", "derogation": "narrow_procedural_task"})
	class_of(changes) == "high"
	basis_of(changes) == ["Art. 6(1)"]
	risk.derogated with input as fixtures.with_profile(changes)
}

test_limited_for_transparency_duties if {
	class_of({"transparency": {"interactsWithHumans": true}}) == "limited"
	class_of({"transparency": {"generatesSyntheticContent": true}}) == "limited"
	class_of({"transparency": {"deepfake": true}}) == "limited"
	basis_of({"transparency": {"interactsWithHumans": true, "deepfake": true}}) == ["Art. 50(1)", "Art. 50(4)"]
}

test_high_risk_wins_over_transparency if {
	class_of({"useCase": "creditworthiness", "transparency": {"interactsWithHumans": true}}) == "high"
	basis_of({"useCase": "creditworthiness", "transparency": {"interactsWithHumans": true}}) == ["Art. 6(2)", "Annex III 5(b)"]
}

test_gpai_follows_the_class_in_the_basis if {
	basis_of({"useCase": "recruitment", "gpai": {"isGpai": true}}) == ["Art. 6(2)", "Annex III 4(a)", "Art. 53"]
	class_of({"gpai": {"isGpai": true, "trainingFlops": 2e25}}) == "minimal"
	basis_of({"gpai": {"isGpai": true, "trainingFlops": 2e25}}) == ["Art. 51(2)"]
}

test_unknown_use_case_cannot_be_classified if {
	class_of({"useCase": "recruitment_v2"}) == "unknown"
	violations := risk.violations with input as fixtures.with_profile({"useCase": "recruitment_v2"})
	violations == {{
		"rule": "profile.unclassifiable",
		"severity": "high",
		"message": "The AI-system profile cannot be classified: useCase recruitment_v2 is not a known value.",
		"reference": "Art. 6(2) / Annex III",
		"remediation": data.verdict.config.euaiact.unclassifiable.remediation,
	}}
}

test_absent_use_case_cannot_be_classified if {
	some v in risk.violations with input as json.remove(fixtures.gate_input, ["profile/useCase"])
	v.message == "The AI-system profile cannot be classified: useCase null is not a known value."
}

test_every_unknown_value_is_named if {
	changes := {
		"biometrics": {"function": "face_matching"},
		"role": "operator",
		"deployerType": "ngo",
		"derogation": "cosmetic",
	}
	class_of(changes) == "unknown"
	violations := risk.violations with input as fixtures.with_profile(changes)
	{v.message | some v in violations} == {
		"The AI-system profile cannot be classified: biometrics.function face_matching is not a known value.",
		"The AI-system profile cannot be classified: role operator is not a known value.",
		"The AI-system profile cannot be classified: deployerType ngo is not a known value.",
		"The AI-system profile cannot be classified: derogation cosmetic is not a known value.",
	}
}

test_high_risk_stays_high_with_an_unknown_value if {
	class_of({"useCase": "recruitment", "biometrics": {"function": "face_matching"}}) == "high"
}
