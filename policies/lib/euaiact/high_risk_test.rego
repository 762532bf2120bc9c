package verdict.lib.euaiact.high_risk_test

import data.verdict.lib.euaiact.high_risk
import data.verdict.test.fixtures

config := data.verdict.config.euaiact.high_risk

points_of(changes) := points if {
	points := high_risk.annex_iii_points with input as fixtures.with_profile(changes)
}

test_no_point_for_a_harmless_profile if {
	points_of({}) == set()
}

test_each_use_case_has_its_point if {
	count(config.annexIII.useCases) == 22
	every use_case, point in config.annexIII.useCases {
		points_of({"useCase": use_case}) == {point}
		config.annexIII.points[point]
	}
}

test_every_point_of_annex_iii_is_reachable if {
	reachable := {point | some point in config.annexIII.useCases} | {point | some point in config.annexIII.biometricFunctions}
	reachable == object.keys(config.annexIII.points)
}

test_exclusions_are_outside_annex_iii if {
	every use_case, exclusion in config.annexIII.exclusions {
		points_of({"useCase": use_case}) == set()
		config.annexIII.points[exclusion.point]
	}
}

test_fraud_detection_is_excluded_from_5b if {
	points_of({"useCase": "financial_fraud_detection"}) == set()
	points_of({"useCase": "creditworthiness"}) == {"5(b)"}
}

test_travel_document_verification_is_excluded_from_7d if {
	points_of({"useCase": "travel_document_verification"}) == set()
	points_of({"useCase": "migration_identification"}) == {"7(d)"}
}

test_election_logistics_is_excluded_from_8b if {
	points_of({"useCase": "election_logistics"}) == set()
	points_of({"useCase": "election_influence"}) == {"8(b)"}
}

test_general_purpose_and_other_are_outside_annex_iii if {
	points_of({"useCase": "general_purpose"}) == set()
	points_of({"useCase": "other"}) == set()
}

test_1a_remote_identification if {
	points_of({"biometrics": {"function": "remote_identification"}}) == {"1(a)"}
}

test_1a_not_for_one_to_one_verification if {
	points_of({"biometrics": {"function": "verification"}}) == set()
}

test_1a_for_permitted_realtime_law_enforcement_use if {
	biometrics := {
		"function": "remote_identification",
		"realtime": true,
		"publiclyAccessibleSpace": true,
		"lawEnforcement": {"objective": "suspect_localisation", "priorAuthorisation": true},
	}
	points_of({"deployerType": "law_enforcement", "biometrics": biometrics}) == {"1(a)"}
	points_of({
		"deployerType": "law_enforcement",
		"biometrics": object.union(biometrics, {"lawEnforcement": {"priorAuthorisation": false}}),
	}) == set()
}

test_1b_categorisation_by_protected_attributes if {
	points_of({"biometrics": {"function": "categorisation", "inferredAttributes": ["age"]}}) == {"1(b)"}
	points_of({"biometrics": {"function": "categorisation", "inferredAttributes": ["disability", "gender"]}}) == {"1(b)"}
}

test_1b_not_without_sensitive_or_protected_attributes if {
	points_of({"biometrics": {"function": "categorisation", "inferredAttributes": []}}) == set()
}

test_1b_not_when_art5_1_g_prohibits_it if {
	points_of({"biometrics": {"function": "categorisation", "inferredAttributes": ["age", "race"]}}) == set()
}

test_1b_for_law_enforcement_categorisation_by_sensitive_attributes if {
	changes := {"deployerType": "law_enforcement", "biometrics": {"function": "categorisation", "inferredAttributes": ["race"]}}
	points_of(changes) == {"1(b)"}
}

test_1c_emotion_recognition if {
	points_of({"biometrics": {"function": "emotion_recognition", "setting": "other"}}) == {"1(c)"}
}

test_1c_at_work_for_medical_or_safety_reasons if {
	biometrics := {"function": "emotion_recognition", "setting": "workplace", "medicalOrSafetyReason": true}
	points_of({"biometrics": biometrics}) == {"1(c)"}
	points_of({"biometrics": object.union(biometrics, {"medicalOrSafetyReason": false})}) == set()
}

test_use_case_and_biometric_points_add_up if {
	biometrics := {"function": "emotion_recognition", "setting": "workplace", "medicalOrSafetyReason": true}
	ordered := high_risk.ordered_points with input as fixtures.with_profile({
		"useCase": "workforce_management",
		"biometrics": biometrics,
	})
	ordered == ["1(c)", "4(b)"]
}

annex_i(legislation, safety_component, third_party) := {"annexI": {
	"legislation": legislation,
	"safetyComponent": safety_component,
	"thirdPartyConformityAssessment": third_party,
}}

test_annex_i_needs_legislation_safety_component_and_third_party_assessment if {
	high_risk.annex_i with input as fixtures.with_profile(annex_i("Regulation (EU) 2017/745", true, true))
	not high_risk.annex_i with input as fixtures.with_profile(annex_i("Regulation (EU) 2017/745", false, true))
	not high_risk.annex_i with input as fixtures.with_profile(annex_i("Regulation (EU) 2017/745", true, false))
	not high_risk.annex_i with input as fixtures.with_profile(annex_i(null, true, true))
	not high_risk.annex_i with input as fixtures.with_profile(annex_i("", true, true))
}

test_known_values_cover_the_profile_schema if {
	count(high_risk.known_use_cases) == 27
	high_risk.known_biometric_functions == {"none", "verification", "remote_identification", "categorisation", "emotion_recognition"}
}
