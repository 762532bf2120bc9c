package verdict.lib.risk_test

import data.verdict.lib.risk
import data.verdict.test.fixtures

test_class_of_the_classification if {
	risk.class == "minimal" with input as fixtures.gate_input
	risk.class == "high" with input as fixtures.with_profile({"useCase": "recruitment"})
	risk.class == "unknown" with input as {"profile": null}
}

test_annex_iii_points_that_make_the_system_high_risk if {
	risk.annex_iii == {"Annex III 4(a)"} with input as fixtures.with_profile({"useCase": "recruitment"})
	risk.annex_iii == {"Annex III 1(c)", "Annex III 4(b)"} with input as fixtures.with_profile({
		"useCase": "workforce_management",
		"biometrics": {"function": "emotion_recognition", "setting": "workplace", "medicalOrSafetyReason": true},
	})
}

test_no_annex_iii_points_when_derogated if {
	risk.annex_iii == set() with input as fixtures.with_profile({"useCase": "recruitment", "derogation": "preparatory_task"})
}

test_transparency_references if {
	risk.transparency == {"Art. 50(1)", "Art. 50(4)"} with input as fixtures.with_profile({"transparency": {"interactsWithHumans": true, "deepfake": true}})
}
