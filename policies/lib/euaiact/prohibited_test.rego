package verdict.lib.euaiact.prohibited_test

import data.verdict.lib.euaiact.prohibited
import data.verdict.test.fixtures

config := data.verdict.config.euaiact.prohibited

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

test_art5_1_d_crime_prediction_solely_by_profiling if {
	practices_of({"art5": {"crimeRiskSolelyFromProfiling": true}}) == {"d"}
	practices_of({"art5": {"crimeRiskSolelyFromProfiling": true}, "useCase": "le_offending_risk"}) == {"d"}
}

test_art5_1_d_not_for_a_human_assessment_on_objective_facts if {
	practices_of({"useCase": "le_offending_risk"}) == set()
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

test_art5_1_a_to_h_apply_from_2025_02_02 if {
	practices_on("2025-02-01", {"art5": {"socialScoring": true}}) == set()
	practices_on("2025-02-02", {"art5": {"socialScoring": true}}) == {"c"}
}

test_art5_1_ba_and_bb_apply_without_a_valid_date if {
	changes := {"art5": {"intimateImageryWithoutConsent": true, "childSexualAbuseMaterial": true}}
	practices_on("soon", changes) == {"ba", "bb"}
}

test_art5_1_ba_date_is_policy_data if {
	changes := {"art5": {"intimateImageryWithoutConsent": true}}
	practices_on("2026-12-02", changes) == set() with data.verdict.config.euaiact.dates.prohibitionsOmnibus.from as "2027-01-01"
}

test_every_declared_practice_counts if {
	practices_of({"art5": {
		"manipulativeOrSubliminal": true, "exploitsVulnerabilities": true, "significantHarmLikely": true,
		"socialScoring": true, "crimeRiskSolelyFromProfiling": true, "untargetedFacialScraping": true,
	}}) == {"a", "b", "c", "d", "e"}
}

emotion_recognition(setting, reason) := {"biometrics": {
	"function": "emotion_recognition",
	"setting": setting,
	"medicalOrSafetyReason": reason,
}}

test_art5_1_f_emotion_recognition_at_work_or_school if {
	practices_of(emotion_recognition("workplace", false)) == {"f"}
	practices_of(emotion_recognition("education", false)) == {"f"}
}

test_art5_1_f_except_for_medical_or_safety_reasons if {
	practices_of(emotion_recognition("workplace", true)) == set()
	practices_of(emotion_recognition("education", true)) == set()
}

test_art5_1_f_only_at_work_or_school if {
	practices_of(emotion_recognition("other", false)) == set()
}

categorisation(attributes) := {"biometrics": {"function": "categorisation", "inferredAttributes": attributes}}

test_art5_1_g_categorisation_by_sensitive_attributes if {
	every attribute in config.biometricCategorisation.prohibitedAttributes {
		practices_of(categorisation(["age", attribute])) == {"g"}
	}
}

test_art5_1_g_not_for_other_attributes if {
	practices_of(categorisation(["age", "gender", "disability"])) == set()
}

test_art5_1_g_not_without_categorisation if {
	practices_of({"biometrics": {"function": "verification", "inferredAttributes": ["race"]}}) == set()
}

test_art5_1_g_not_in_the_area_of_law_enforcement if {
	practices_of(object.union(categorisation(["race"]), {"deployerType": "law_enforcement"})) == set()
	practices_of(object.union(categorisation(["race"]), {"deployerType": "public_authority"})) == {"g"}
}

test_art5_1_g_message_names_the_attributes if {
	some v in prohibited.violations with input as fixtures.with_profile(categorisation(["sexual_orientation", "age", "race"]))
	v.message == concat("", [
		"Prohibited practice: biometric categorisation inferring race, political opinions, trade union membership, ",
		"religious or philosophical beliefs, sex life or sexual orientation; ",
		"biometrics.function is categorisation and it infers race, sexual_orientation.",
	])
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
	practices_of(json.remove(remote_identification("private", "none", false), ["biometrics/lawEnforcement"])) == set()
}

test_art5_1_h_not_after_the_event_or_in_private_spaces if {
	base := remote_identification("law_enforcement", "none", false)
	practices_of(object.union(base, {"biometrics": {"realtime": false}})) == set()
	practices_of(object.union(base, {"biometrics": {"publiclyAccessibleSpace": false}})) == set()
}

test_violation_per_practice if {
	violations := prohibited.violations with input as fixtures.with_profile({"art5": {"socialScoring": true}})
	violations == {{
		"rule": "prohibited.social_scoring",
		"severity": "critical",
		"message": concat("", [
			"Prohibited practice: social scoring leading to detrimental or unjustified treatment; ",
			"the profile sets art5.socialScoring to true.",
		]),
		"reference": "Art. 5(1)(c)",
		"remediation": config.practices.c.remediation,
	}}
}

test_harm_condition_is_named_in_the_message if {
	changes := {"art5": {"manipulativeOrSubliminal": true, "significantHarmLikely": true}}
	some v in prohibited.violations with input as fixtures.with_profile(changes)
	v.reference == "Art. 5(1)(a)"
	endswith(v.message, "the profile sets art5.manipulativeOrSubliminal and art5.significantHarmLikely to true.")
}

test_references_follow_the_points if {
	changes := object.union(
		{"art5": {"childSexualAbuseMaterial": true, "untargetedFacialScraping": true, "socialScoring": true}},
		emotion_recognition("education", false),
	)
	references := prohibited.references with input as object.union(fixtures.with_profile(changes), {"asOf": "2026-12-02"})
	references == ["Art. 5(1)(bb)", "Art. 5(1)(c)", "Art. 5(1)(e)", "Art. 5(1)(f)"]
}

test_every_practice_has_its_data if {
	every point, practice in config.practices {
		startswith(practice.reference, "Art. 5(1)(")
		endswith(practice.reference, sprintf("(%s)", [point]))
		startswith(practice.rule, "prohibited.")
		data.verdict.config.euaiact.dates[practice.dateOfApplication].from
		practice.text != ""
		practice.remediation != ""
	}
}
