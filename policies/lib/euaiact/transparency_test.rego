package verdict.lib.euaiact.transparency_test

import data.verdict.lib.euaiact.transparency
import data.verdict.test.fixtures

duties_of(changes) := duties if {
	duties := transparency.duties with input as fixtures.with_profile(changes)
}

test_no_duty_for_a_harmless_profile if {
	duties_of({}) == set()
}

test_art50_1_interaction if {
	duties_of({"transparency": {"interactsWithHumans": true}}) == {"50(1)"}
}

test_art50_2_synthetic_content if {
	duties_of({"transparency": {"generatesSyntheticContent": true}}) == {"50(2)"}
}

test_art50_3_emotion_recognition_and_biometric_categorisation if {
	duties_of({"biometrics": {"function": "emotion_recognition"}}) == {"50(3)"}
	duties_of({"biometrics": {"function": "categorisation", "inferredAttributes": []}}) == {"50(3)"}
	duties_of({"biometrics": {"function": "remote_identification"}}) == set()
}

test_art50_3_not_for_law_enforcement if {
	duties_of({"deployerType": "law_enforcement", "biometrics": {"function": "emotion_recognition"}}) == set()
}

test_art50_4_deep_fakes if {
	duties_of({"transparency": {"deepfake": true}}) == {"50(4)"}
}

test_duties_stack_in_order if {
	changes := {
		"transparency": {"interactsWithHumans": true, "generatesSyntheticContent": true, "deepfake": true},
		"biometrics": {"function": "emotion_recognition"},
	}
	transparency.ordered == ["50(1)", "50(2)", "50(3)", "50(4)"] with input as fixtures.with_profile(changes)
	transparency.references == ["Art. 50(1)", "Art. 50(2)", "Art. 50(3)", "Art. 50(4)"] with input as fixtures.with_profile(changes)
}

test_only_true_counts if {
	duties_of({"transparency": {"interactsWithHumans": "yes"}}) == set()
}
