package verdict.lib.profile_test

import data.verdict.lib.profile
import data.verdict.test.fixtures

test_profile_is_present if {
	profile.present with input as fixtures.gate_input
	count(profile.violations) == 0 with input as fixtures.gate_input
}

test_null_profile_is_missing if {
	violations := profile.violations with input as object.union(fixtures.gate_input, {"profile": null})
	[v.rule | some v in violations] == ["profile.missing"]
	[v.reference | some v in violations] == ["Art. 11 / Annex IV"]
	[v.severity | some v in violations] == ["critical"]
}

test_absent_profile_is_missing if {
	violations := profile.violations with input as json.remove(fixtures.gate_input, ["profile"])
	[v.rule | some v in violations] == ["profile.missing"]
}

test_missing_profile_remediation_names_the_metadata_key if {
	some v in profile.violations with input as {"profile": null}
	contains(v.remediation, "verdict:profile")
	contains(v.remediation, "s3://")
}

test_profile_that_is_not_an_object_is_invalid if {
	every value in ["s3://bucket/profile.json", 42, false, []] {
		not profile.present with input as {"profile": value}
		[v.rule | some v in profile.violations] == ["profile.invalid"] with input as {"profile": value}
	}
}

test_invalid_profile_message_names_its_type if {
	some v in profile.violations with input as {"profile": "s3://bucket/profile.json"}
	v.message == "The AI-system profile is a string, not a JSON object."
}
