package verdict.lib.risk_test

import data.verdict.lib.risk
import data.verdict.test.fixtures

class_of(changes) := class if {
	class := risk.class with input as fixtures.with_profile(changes)
}

test_minimal_when_nothing_applies if {
	class_of({}) == "minimal"
	count(risk.violations) == 0 with input as fixtures.gate_input
}

test_unknown_without_a_profile if {
	risk.class == "unknown" with input as {"profile": null}
	risk.class == "unknown" with input as {"profile": "s3://bucket/profile.json"}
	risk.class == "unknown" with input as 42
}

test_prohibited_wins_over_high_risk if {
	class_of({"useCase": "recruitment", "art5": {"socialScoring": true}}) == "prohibited"
}

annex_iii_use_cases := {use_case: point |
	some use_case, point in data.verdict.config.risk.annexIII.useCases
	point != null
}

test_high_risk_for_each_annex_iii_use_case if {
	count(annex_iii_use_cases) == 22
	every use_case, point in annex_iii_use_cases {
		class_of({"useCase": use_case}) == "high"
		risk.annex_iii == {sprintf("Annex III %s", [point])} with input as fixtures.with_profile({"useCase": use_case})
	}
}

test_not_high_risk_for_the_exceptions_of_annex_iii if {
	every use_case in ["financial_fraud_detection", "election_logistics", "travel_document_verification", "general_purpose", "other"] {
		class_of({"useCase": use_case}) == "minimal"
	}
}

test_recruitment_is_annex_iii_4a if {
	risk.annex_iii == {"Annex III 4(a)"} with input as fixtures.with_profile({"useCase": "recruitment"})
}

test_high_risk_for_biometric_functions if {
	class_of({"biometrics": {"function": "remote_identification"}}) == "high"
	class_of({"biometrics": {"function": "categorisation", "inferredAttributes": ["age"]}}) == "high"
	class_of({"biometrics": {"function": "emotion_recognition", "setting": "other"}}) == "high"
	risk.annex_iii == {"Annex III 1(c)", "Annex III 4(b)"} with input as fixtures.with_profile({
		"useCase": "workforce_management",
		"biometrics": {"function": "emotion_recognition", "setting": "workplace", "medicalOrSafetyReason": true},
	})
}

test_verification_is_not_high_risk if {
	class_of({"biometrics": {"function": "verification"}}) == "minimal"
}

test_limited_for_transparency_duties if {
	class_of({"transparency": {"interactsWithHumans": true}}) == "limited"
	class_of({"transparency": {"generatesSyntheticContent": true}}) == "limited"
	class_of({"transparency": {"deepfake": true}}) == "limited"
	risk.transparency == {"Art. 50(1)", "Art. 50(4)"} with input as fixtures.with_profile({"transparency": {"interactsWithHumans": true, "deepfake": true}})
}

test_high_risk_wins_over_transparency if {
	class_of({"useCase": "creditworthiness", "transparency": {"interactsWithHumans": true}}) == "high"
}

test_unknown_use_case_cannot_be_classified if {
	class_of({"useCase": "recruitment_v2"}) == "unknown"
	violations := risk.violations with input as fixtures.with_profile({"useCase": "recruitment_v2"})
	violations == {{
		"rule": "profile.unclassifiable",
		"severity": "high",
		"message": "The AI-system profile cannot be classified: useCase recruitment_v2 is not a known value.",
		"reference": "Art. 6(2) / Annex III",
		"remediation": data.verdict.config.risk.unclassifiable.remediation,
	}}
}

test_absent_use_case_cannot_be_classified if {
	some v in risk.violations with input as json.remove(fixtures.gate_input, ["profile/useCase"])
	v.message == "The AI-system profile cannot be classified: useCase null is not a known value."
}

test_unknown_biometric_function_cannot_be_classified if {
	class_of({"biometrics": {"function": "face_matching"}}) == "unknown"
	[v.message | some v in risk.violations] == ["The AI-system profile cannot be classified: biometrics.function face_matching is not a known value."] with input as fixtures.with_profile({"biometrics": {"function": "face_matching"}})
}

test_high_risk_stays_high_with_an_unknown_value if {
	class_of({"useCase": "recruitment", "biometrics": {"function": "face_matching"}}) == "high"
}
