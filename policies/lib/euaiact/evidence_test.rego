package verdict.lib.euaiact.evidence_test

import data.verdict.lib.euaiact.evidence
import data.verdict.test.fixtures

# A high-risk provider's gate input on the given date with the given evidence.
gate_input(as_of, environment, obligations, bias) := object.union(
	fixtures.with_profile({"useCase": "recruitment", "role": "provider"}),
	{"asOf": as_of, "environment": environment, "evidence": {"obligations": obligations, "bias": bias}},
)

all_documents[spec.id] := {"source": sprintf("s3://verdict-evidence/cv/%s.pdf", [spec.id])} if {
	some spec in data.verdict.config.euaiact.obligations.list
}

bias_report := fixtures.bias_report(fixtures.di("sex", "female", 0.9))

violations_on(as_of, environment, obligations, bias) := violations if {
	violations := evidence.violations with input as gate_input(as_of, environment, obligations, bias)
}

test_nothing_is_demanded_before_the_date_of_application if {
	violations_on("2027-12-01", "prod", {}, null) == set()
}

test_every_missing_item_is_a_violation_from_the_date_of_application if {
	violations := violations_on("2027-12-02", "prod", {}, null)
	count(violations) == 14
	{v.reference | some v in violations} == {
		"Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17",
		"Art. 43", "Art. 47", "Art. 48", "Art. 49(1)", "Art. 72", "Art. 73",
	}
	every v in violations {
		v.rule == "euaiact.obligation_evidence_missing"
		v.severity == "high"
	}
}

test_violation_names_the_obligation_and_the_manifest_key if {
	obligations := object.remove(all_documents, ["risk_management"])
	violations_on("2027-12-02", "prod", obligations, bias_report) == {{
		"rule": "euaiact.obligation_evidence_missing",
		"severity": "high",
		"message": concat("", [
			"Art. 9 Risk management system (provider) applies from 2027-12-02; ",
			"the evidence manifest (verdict:evidence) names no document for risk_management.",
		]),
		"reference": "Art. 9",
		"remediation": concat("", [
			"Add \"risk_management\": \"s3://...\" to the evidence manifest (the JSON object that the model package's ",
			"CustomerMetadataProperties key verdict:evidence names), pointing at the document that shows the ",
			"obligation is met, then re-submit the model version.",
		]),
	}}
}

test_complete_evidence_is_no_violation if {
	violations_on("2027-12-02", "prod", all_documents, bias_report) == set()
}

test_data_governance_needs_a_bias_examination if {
	violations := violations_on("2027-12-02", "prod", all_documents, null)
	[v.reference | some v in violations] == ["Art. 10"]
	some v in violations
	endswith(v.message, "data_governance also needs the examination of possible biases (Art. 10(2)(f)), and the model version carries no bias report.")
	startswith(v.remediation, "Register the model version with a SageMaker Clarify bias report")
}

test_data_governance_without_document_nor_bias_examination if {
	some v in violations_on("2027-12-02", "prod", object.remove(all_documents, ["data_governance"]), null)
	v.message == concat("", [
		"Art. 10 Data and data governance, incl. examination of possible biases (Art. 10(2)(f)-(g)) (provider) ",
		"applies from 2027-12-02; the evidence manifest (verdict:evidence) names no document for data_governance ",
		"and data_governance also needs the examination of possible biases (Art. 10(2)(f)), ",
		"and the model version carries no bias report.",
	])
}

test_an_environment_can_demand_evidence_ahead_of_the_date if {
	ahead := {"default": false, "prod": true}
	violations := violations_on("2026-11-28", "prod", object.remove(all_documents, ["human_oversight"]), bias_report) with data.verdict.config.euaiact.obligationEvidence.enforceObligationsAhead as ahead
	[v.message | some v in violations] == [concat("", [
		"Art. 14 Human oversight measures (provider) applies from 2027-12-02, and the prod environment demands ",
		"its evidence ahead of that date; the evidence manifest (verdict:evidence) names no document for human_oversight.",
	])]
	violations_on("2026-11-28", "dev", {}, null) == set() with data.verdict.config.euaiact.obligationEvidence.enforceObligationsAhead as ahead
}

test_the_default_entry_covers_other_environments if {
	ahead := {"default": true, "prod": false}
	count(violations_on("2026-11-28", "qa", {}, null)) == 14 with data.verdict.config.euaiact.obligationEvidence.enforceObligationsAhead as ahead
	violations_on("2026-11-28", "prod", {}, null) == set() with data.verdict.config.euaiact.obligationEvidence.enforceObligationsAhead as ahead
	count(violations_on("2026-11-28", 42, {}, null)) == 14 with data.verdict.config.euaiact.obligationEvidence.enforceObligationsAhead as ahead
}

test_transparency_and_gpai_obligations_are_not_demanded if {
	changes := {"transparency": {"interactsWithHumans": true}, "gpai": {"isGpai": true}}
	evidence.violations == set() with input as fixtures.with_profile(changes)
}

test_derogation_duties_are_demanded_from_their_date if {
	changes := {"useCase": "recruitment", "role": "provider", "derogation": "preparatory_task"}
	gate_input := object.union(fixtures.with_profile(changes), {"asOf": "2027-12-02"})
	violations := evidence.violations with input as gate_input
	{v.reference | some v in violations} == {"Art. 6(4)", "Art. 49(2)"}
}

test_a_document_must_be_a_non_empty_string if {
	obligations := object.union(all_documents, {"risk_management": {"source": ""}, "human_oversight": "s3://b/k"})
	violations := violations_on("2027-12-02", "prod", obligations, bias_report)
	{v.reference | some v in violations} == {"Art. 9", "Art. 14"}
}

test_status_lists_every_obligation if {
	obligations := {"risk_management": {"source": "s3://b/rm.pdf"}, "data_governance": {"source": "s3://b/dg.pdf"}}
	status := evidence.status with input as gate_input("2027-12-02", "prod", obligations, null)
	count(status) == 14
	status[0] == {
		"id": "risk_management",
		"ref": "Art. 9",
		"title": "Risk management system",
		"holder": "provider",
		"appliesFrom": "2027-12-02",
		"applies": true,
		"satisfied": true,
		"evidence": "s3://b/rm.pdf",
	}
	status[1].satisfied == false
	status[1].evidence == "s3://b/dg.pdf"
	before := evidence.status with input as gate_input("2027-12-01", "prod", obligations, null)
	before[2] == {
		"id": "technical_documentation",
		"ref": "Art. 11",
		"title": "Technical documentation (Annex IV)",
		"holder": "provider",
		"appliesFrom": "2027-12-02",
		"applies": false,
		"satisfied": false,
	}
}
