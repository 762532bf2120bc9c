package verdict.lib.pii_test

import data.verdict.lib.pii
import data.verdict.test.fixtures

source := "s3://verdict-training/churn/2/train.csv"

scan(summary, columns) := {
	"source": source,
	"format": "csv",
	"sampled": false,
	"bytesScanned": 2048,
	"totalBytes": 2048,
	"rowsScanned": 20,
	"summary": summary,
	"columns": columns,
}

# The gate input whose training data holds what `evidence` says, with `declaration` as the profile's
# personalData (null: no personalData section).
input_with(evidence, declaration) := object.union(
	fixtures.gate_input,
	{"evidence": {"pii": evidence}, "profile": profile_with(declaration)},
)

profile_with(null) := fixtures.profile

profile_with(declaration) := object.union(fixtures.profile, {"personalData": declaration}) if declaration != null

violations_of(evidence, declaration) := violations if {
	violations := pii.violations with input as input_with(evidence, declaration)
}

ssns := scan({"US_SSN": 3}, {"ssn": {"US_SSN": 3}})

declared := {"legalBasis": "contract", "masking": true}

summary(violations) := {[v.rule, v.severity, v.reference] | some v in violations}

test_no_training_data_is_no_violation if {
	count(pii.violations) == 0 with input as fixtures.gate_input
	count(violations_of(null, null)) == 0
}

test_training_data_without_pii_is_no_violation if {
	count(violations_of(scan({}, {}), null)) == 0
}

test_unmasked_ssns_without_a_declaration if {
	violations_of(ssns, null) == {{
		"rule": "pii.us_ssn",
		"severity": "critical",
		"message": "The training data s3://verdict-training/churn/2/train.csv holds 3 US Social Security numbers (US_SSN) in column ssn; the AI-system profile declares nothing about personal data (personalData). Personal data in training data needs a legal basis (GDPR Art. 6(1)) and must be limited to what is necessary (GDPR Art. 5(1)(c)).",
		"reference": "US_SSN",
		"remediation": data.verdict.config.pii.remediation,
	}}
}

test_a_legal_basis_and_masking_allow_the_data if {
	count(violations_of(ssns, declared)) == 0
}

test_every_gdpr_legal_basis_counts if {
	every basis in ["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"] {
		count(violations_of(ssns, {"legalBasis": basis, "masking": true})) == 0
	}
}

test_masking_without_a_legal_basis_is_not_enough if {
	some v in violations_of(ssns, {"legalBasis": null, "masking": true})
	endswith(v.message, "; the AI-system profile declares no GDPR Art. 6(1) legal basis (personalData.legalBasis). Personal data in training data needs a legal basis (GDPR Art. 6(1)) and must be limited to what is necessary (GDPR Art. 5(1)(c)).")
	v.reference == "US_SSN"
}

test_an_unknown_legal_basis_is_no_legal_basis if {
	some v in violations_of(ssns, {"legalBasis": "curiosity", "masking": true})
	contains(v.message, "declares no GDPR Art. 6(1) legal basis")
}

test_a_legal_basis_without_masking_is_not_enough if {
	some v in violations_of(ssns, {"legalBasis": "consent", "masking": false})
	contains(v.message, "the AI-system profile does not declare that they are masked (personalData.masking)")
}

test_a_declaration_covers_only_its_categories if {
	evidence := scan({"US_SSN": 2, "EMAIL_ADDRESS": 5}, {"ssn": {"US_SSN": 2}, "email": {"EMAIL_ADDRESS": 5}})
	violations := violations_of(evidence, object.union(declared, {"categories": ["EMAIL_ADDRESS"]}))
	summary(violations) == {["pii.us_ssn", "critical", "US_SSN"]}
	some v in violations
	contains(v.message, "the AI-system profile's declaration (personalData.categories) does not cover US_SSN")
}

test_a_declaration_listing_the_category_covers_it if {
	count(violations_of(ssns, object.union(declared, {"categories": ["US_SSN"]}))) == 0
}

test_one_violation_per_category_with_its_severity if {
	evidence := scan(
		{"CREDIT_CARD": 1, "IBAN_CODE": 2, "EMAIL_ADDRESS": 7, "IP_ADDRESS": 4, "UK_NHS": 1},
		{},
	)
	summary(violations_of(evidence, null)) == {
		["pii.credit_card", "critical", "CREDIT_CARD"],
		["pii.iban_code", "high", "IBAN_CODE"],
		["pii.email_address", "medium", "EMAIL_ADDRESS"],
		["pii.ip_address", "medium", "IP_ADDRESS"],
		["pii.uk_nhs", "high", "UK_NHS"],
	}
}

test_categories_not_configured_are_not_checked if {
	count(violations_of(scan({"US_PASSPORT": 3}, {}), null)) == 0
}

test_zero_and_non_numeric_counts_are_no_finding if {
	count(violations_of(scan({"US_SSN": 0, "CREDIT_CARD": "many", "IBAN_CODE": null}, {}), null)) == 0
}

test_evidence_that_is_not_an_object_is_ignored if {
	count(violations_of("s3://b/k", null)) == 0
}

test_a_sample_says_how_much_was_read_and_lists_every_column if {
	evidence := object.union(
		scan({"EMAIL_ADDRESS": 4}, {"notes": {"EMAIL_ADDRESS": 1}, "email": {"EMAIL_ADDRESS": 3}, "ssn": {"US_SSN": 0}}),
		{"sampled": true, "bytesScanned": 8388608, "totalBytes": 1073741824},
	)
	some v in violations_of(evidence, null)
	contains(v.message, "holds 4 e-mail addresses (EMAIL_ADDRESS) in columns email, notes in a sample of 8388608 of its 1073741824 bytes;")
}

test_findings_in_text_without_columns if {
	some v in violations_of(scan({"IT_FISCAL_CODE": 1}, {}), null)
	contains(v.message, "holds 1 Italian fiscal codes (IT_FISCAL_CODE); the AI-system profile")
}

test_the_gate_denies_unmasked_ssns_citing_the_category if {
	decision := data.verdict.gates.model_registry.decision with input as input_with(ssns, null)
	decision.decision == "deny"
	some v in decision.violations
	v.rule == "pii.us_ssn"
	v.reference == "US_SSN"
	v.family == "pii"
}

test_the_gate_asks_for_review_of_contact_data if {
	decision := data.verdict.gates.model_registry.decision with input as input_with(scan({"PHONE_NUMBER": 2}, {}), null)
	decision.decision == "review"
}

test_the_gate_allows_declared_and_masked_data if {
	decision := data.verdict.gates.model_registry.decision with input as input_with(ssns, declared)
	decision.decision == "allow"
}

test_unreadable_training_data_cites_art_10_2 if {
	violations := data.verdict.lib.evidence.violations with input as {"evidence": {"missing": [{"kind": "training_data", "source": source}]}}
	some v in violations
	v.reference == "Art. 10(2)"
	v.message == "The gate could not read evidence the model package names: training data (verdict:training-data) at s3://verdict-training/churn/2/train.csv."
}
