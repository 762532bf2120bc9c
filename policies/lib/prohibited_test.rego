package verdict.lib.prohibited_test

import data.verdict.lib.prohibited
import data.verdict.test.fixtures

practices_of(changes) := practices if {
	practices := prohibited.practices with input as fixtures.with_profile(changes)
}

practices_on(as_of, changes) := practices if {
	practices := prohibited.practices with input as object.union(fixtures.with_profile(changes), {"asOf": as_of})
}

test_harmless_profile_declares_no_practice if {
	count(practices_of({})) == 0
}

test_art5_1_a_needs_significant_harm if {
	practices_of({"art5": {"manipulativeOrSubliminal": true}}) == set()
	practices_of({"art5": {"manipulativeOrSubliminal": true, "significantHarmLikely": true}}) == {"a"}
}

test_art5_1_b_needs_significant_harm if {
	practices_of({"art5": {"exploitsVulnerabilities": true}}) == set()
	practices_of({"art5": {"exploitsVulnerabilities": true, "significantHarmLikely": true}}) == {"b"}
}

test_significant_harm_alone_is_no_practice if {
	practices_of({"art5": {"significantHarmLikely": true}}) == set()
}

test_art5_1_c_social_scoring if {
	practices_of({"art5": {"socialScoring": true}}) == {"c"}
}

test_art5_1_d_crime_prediction_by_profiling if {
	practices_of({"art5": {"crimeRiskSolelyFromProfiling": true}}) == {"d"}
}

test_art5_1_e_untargeted_facial_scraping if {
	practices_of({"art5": {"untargetedFacialScraping": true}}) == {"e"}
}

test_only_true_counts if {
	practices_of({"art5": {"socialScoring": "true"}}) == set()
	practices_of({"art5": {"socialScoring": 1}}) == set()
}

test_art5_1_ba_applies_from_2026_12_02 if {
	practices_on("2026-12-01", {"art5": {"intimateImageryWithoutConsent": true}}) == set()
	practices_on("2026-12-02", {"art5": {"intimateImageryWithoutConsent": true}}) == {"ba"}
}

test_art5_1_bb_applies_from_2026_12_02 if {
	practices_on("2026-12-01", {"art5": {"childSexualAbuseMaterial": true}}) == set()
	practices_on("2026-12-02", {"art5": {"childSexualAbuseMaterial": true}}) == {"bb"}
}

test_art5_1_ba_and_bb_apply_without_a_valid_date if {
	practices_on("soon", {"art5": {"intimateImageryWithoutConsent": true, "childSexualAbuseMaterial": true}}) == {"ba", "bb"}
}

test_art5_1_ba_date_is_policy_data if {
	practices_on("2026-12-02", {"art5": {"intimateImageryWithoutConsent": true}}) == set() with data.verdict.config.prohibited.practices.ba.appliesFrom as "2027-01-01"
}

test_every_declared_practice_counts if {
	practices_of({"art5": {
		"manipulativeOrSubliminal": true, "exploitsVulnerabilities": true, "significantHarmLikely": true,
		"socialScoring": true, "crimeRiskSolelyFromProfiling": true, "untargetedFacialScraping": true,
	}}) == {"a", "b", "c", "d", "e"}
}

emotion_recognition(setting, reason) := {"biometrics": {"function": "emotion_recognition", "setting": setting, "medicalOrSafetyReason": reason}}

test_art5_1_f_emotion_recognition_at_work_or_school if {
	practices_of(emotion_recognition("workplace", false)) == {"f"}
	practices_of(emotion_recognition("education", false)) == {"f"}
}

test_art5_1_f_except_for_medical_or_safety_reasons if {
	practices_of(emotion_recognition("workplace", true)) == set()
}

test_art5_1_f_only_at_work_or_school if {
	practices_of(emotion_recognition("other", false)) == set()
}

categorisation(attributes) := {"biometrics": {"function": "categorisation", "inferredAttributes": attributes}}

test_art5_1_g_categorisation_by_sensitive_attributes if {
	every attribute in data.verdict.config.prohibited.biometricCategorisation.prohibitedAttributes {
		practices_of(categorisation(["age", attribute])) == {"g"}
	}
}

test_art5_1_g_not_for_other_attributes if {
	practices_of(categorisation(["age", "gender", "disability"])) == set()
}

test_art5_1_g_not_without_categorisation if {
	practices_of({"biometrics": {"function": "verification", "inferredAttributes": ["race"]}}) == set()
}

test_art5_1_g_message_names_the_attributes if {
	some v in prohibited.violations with input as fixtures.with_profile(categorisation(["sexual_orientation", "age", "race"]))
	v.message == "Prohibited practice: biometric categorisation inferring race, political opinions, trade union membership, religious or philosophical beliefs, sex life or sexual orientation; biometrics.function is categorisation and it infers race, sexual_orientation."
}

remote_identification(deployer, objective, authorised) := {
	"deployerType": deployer,
	"biometrics": {
		"function": "remote_identification",
		"realtime": true,
		"publiclyAccessibleSpace": true,
		"lawEnforcement": {"objective": objective, "priorAuthorisation": authorised},
	},
}

test_art5_1_h_realtime_identification_for_law_enforcement if {
	practices_of(remote_identification("law_enforcement", "none", false)) == {"h"}
	practices_of(remote_identification("law_enforcement", "none", true)) == {"h"}
}

test_art5_1_h_permitted_objective_needs_prior_authorisation if {
	practices_of(remote_identification("law_enforcement", "victim_search", false)) == {"h"}
	practices_of(remote_identification("private", "imminent_threat", false)) == {"h"}
}

test_art5_1_h_exceptions if {
	every objective in ["victim_search", "imminent_threat", "suspect_localisation"] {
		practices_of(remote_identification("law_enforcement", objective, true)) == set()
	}
}

test_art5_1_h_not_outside_law_enforcement if {
	practices_of(remote_identification("private", "none", false)) == set()
}

test_art5_1_h_not_after_the_event_or_in_private_spaces if {
	practices_of(object.union(remote_identification("law_enforcement", "none", false), {"biometrics": {"realtime": false}})) == set()
	practices_of(object.union(remote_identification("law_enforcement", "none", false), {"biometrics": {"publiclyAccessibleSpace": false}})) == set()
}

test_violation_per_practice if {
	violations := prohibited.violations with input as fixtures.with_profile({"art5": {"socialScoring": true}})
	violations == {{
		"rule": "prohibited.social_scoring",
		"severity": "critical",
		"message": "Prohibited practice: social scoring leading to detrimental or unjustified treatment; the profile sets art5.socialScoring to true.",
		"reference": "Art. 5(1)(c)",
		"remediation": data.verdict.config.prohibited.practices.c.remediation,
	}}
}

test_harm_condition_is_named_in_the_message if {
	some v in prohibited.violations with input as fixtures.with_profile({"art5": {"manipulativeOrSubliminal": true, "significantHarmLikely": true}})
	v.reference == "Art. 5(1)(a)"
	endswith(v.message, "the profile sets art5.manipulativeOrSubliminal and art5.significantHarmLikely to true.")
}

test_references_follow_the_points if {
	violations := prohibited.violations with input as fixtures.with_profile(object.union(
		{"art5": {"childSexualAbuseMaterial": true, "untargetedFacialScraping": true}},
		emotion_recognition("education", false),
	))
		with input.asOf as "2026-12-02"
	{v.reference | some v in violations} == {"Art. 5(1)(bb)", "Art. 5(1)(e)", "Art. 5(1)(f)"}
}
