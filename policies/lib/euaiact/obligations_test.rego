package verdict.lib.euaiact.obligations_test

import data.verdict.lib.euaiact.obligations
import data.verdict.test.fixtures

config := data.verdict.config.euaiact.obligations

obligations_of(changes) := list if {
	list := obligations.list with input as fixtures.with_profile(changes)
}

ids_of(changes) := [o.id | some o in obligations_of(changes)]

provider_high_risk := [
	"risk_management", "data_governance", "technical_documentation", "record_keeping",
	"instructions_for_use", "human_oversight", "accuracy_robustness", "quality_management",
	"conformity_assessment", "eu_declaration_of_conformity", "ce_marking", "registration",
	"post_market_monitoring", "serious_incident_reporting",
]

test_no_obligations_for_a_minimal_risk_system if {
	obligations_of({}) == []
}

test_high_risk_provider_and_deployer if {
	ids_of({"useCase": "recruitment"}) == array.concat(provider_high_risk, ["deployer_obligations"])
}

test_high_risk_provider_only if {
	ids_of({"useCase": "recruitment", "role": "provider"}) == provider_high_risk
}

test_high_risk_deployer_only if {
	ids_of({"useCase": "recruitment", "role": "deployer"}) == ["deployer_obligations"]
}

test_each_obligation_names_ref_title_holder_and_date if {
	some obligation in obligations_of({"useCase": "recruitment"})
	obligation == {
		"id": "risk_management",
		"ref": "Art. 9",
		"title": "Risk management system",
		"holder": "provider",
		"appliesFrom": "2027-12-02",
	}
}

test_annex_iii_obligations_apply_from_2027_12_02 if {
	every obligation in obligations_of({"useCase": "recruitment"}) {
		obligation.appliesFrom == "2027-12-02"
	}
}

annex_i := {"annexI": {"legislation": "Regulation (EU) 2017/745", "safetyComponent": true, "thirdPartyConformityAssessment": true}}

test_annex_i_obligations_apply_from_2028_08_02 if {
	obligations := obligations_of(annex_i)
	count(obligations) > 0
	every obligation in obligations {
		obligation.appliesFrom == "2028-08-02"
	}
}

test_annex_i_products_are_not_registered_in_the_eu_database if {
	not "registration" in ids_of(annex_i)
}

test_both_routes_apply_from_the_earlier_date if {
	some obligation in obligations_of(object.union(annex_i, {"useCase": "recruitment"}))
	obligation.id == "risk_management"
	obligation.appliesFrom == "2027-12-02"
}

test_dates_are_policy_data if {
	some obligation in obligations_of({"useCase": "recruitment"}) with data.verdict.config.euaiact.dates.annexIII.from as "2028-01-01"
	obligation.appliesFrom == "2028-01-01"
}

test_critical_infrastructure_registers_nationally if {
	not "registration" in ids_of({"useCase": "critical_infrastructure_safety"})
}

test_fria_for_public_law_bodies if {
	"fria" in ids_of({"useCase": "recruitment", "deployerType": "public_authority"})
	"fria" in ids_of({"useCase": "recruitment", "deployerType": "law_enforcement"})
}

test_fria_for_private_entities_providing_public_services if {
	"fria" in ids_of({"useCase": "emergency_triage", "deployerType": "public_service_provider"})
}

test_fria_for_credit_scoring_and_life_health_insurance if {
	"fria" in ids_of({"useCase": "creditworthiness", "deployerType": "private"})
	"fria" in ids_of({"useCase": "life_health_insurance_pricing", "deployerType": "private"})
}

test_no_fria_for_other_private_deployers if {
	not "fria" in ids_of({"useCase": "recruitment", "deployerType": "private"})
	not "fria" in ids_of({"useCase": "creditworthiness", "role": "provider"})
}

test_no_fria_for_critical_infrastructure if {
	not "fria" in ids_of({"useCase": "critical_infrastructure_safety", "deployerType": "public_authority"})
}

test_no_fria_for_annex_i_only_systems if {
	not "fria" in ids_of(object.union(annex_i, {"deployerType": "public_authority"}))
}

test_public_authority_deployers_register_their_use if {
	"deployer_registration" in ids_of({"useCase": "public_benefits_eligibility", "deployerType": "public_authority"})
	not "deployer_registration" in ids_of({"useCase": "public_benefits_eligibility", "deployerType": "public_service_provider"})
}

test_permitted_realtime_identification_needs_fria_and_registration if {
	changes := {
		"role": "deployer",
		"deployerType": "law_enforcement",
		"biometrics": {
			"function": "remote_identification",
			"realtime": true,
			"publiclyAccessibleSpace": true,
			"lawEnforcement": {"objective": "victim_search", "priorAuthorisation": true},
		},
	}
	ids_of(changes) == ["deployer_obligations", "fria", "deployer_registration"]
}

test_derogation_duties if {
	ids_of({"useCase": "recruitment", "derogation": "preparatory_task"}) == ["derogation_assessment", "derogation_registration"]
	ids_of({"useCase": "recruitment", "derogation": "preparatory_task", "role": "deployer"}) == []
}

test_no_obligations_for_a_prohibited_system if {
	ids_of({"useCase": "recruitment", "art5": {"socialScoring": true}}) == []
	ids_of({"useCase": "recruitment", "derogation": "preparatory_task", "art5": {"socialScoring": true}}) == []
}

test_transparency_obligations_per_holder if {
	changes := {
		"transparency": {"interactsWithHumans": true, "generatesSyntheticContent": true, "deepfake": true},
		"biometrics": {"function": "categorisation", "inferredAttributes": []},
	}
	ids_of(changes) == [
		"transparency_interaction", "transparency_marking",
		"transparency_biometric_notice", "transparency_deepfake_disclosure",
	]
	ids_of(object.union(changes, {"role": "provider"})) == ["transparency_interaction", "transparency_marking"]
	every obligation in obligations_of(changes) {
		obligation.appliesFrom == "2026-08-02"
	}
}

test_gpai_obligations if {
	ids_of({"gpai": {"isGpai": true}}) == [
		"gpai_technical_documentation", "gpai_downstream_information",
		"gpai_copyright_policy", "gpai_training_content_summary",
	]
	every obligation in obligations_of({"gpai": {"isGpai": true}}) {
		obligation.appliesFrom == "2025-08-02"
	}
}

test_open_weights_gpai_is_exempt_from_53_1_a_and_b if {
	ids_of({"gpai": {"isGpai": true, "openWeights": true}}) == ["gpai_copyright_policy", "gpai_training_content_summary"]
}

test_systemic_gpai_over_the_threshold if {
	ids_of({"gpai": {"isGpai": true, "openWeights": true, "trainingFlops": 2e25}}) == [
		"gpai_notification",
		"gpai_technical_documentation", "gpai_downstream_information",
		"gpai_copyright_policy", "gpai_training_content_summary",
		"gpai_model_evaluation", "gpai_systemic_risk_mitigation", "gpai_incident_reporting", "gpai_cybersecurity",
	]
}

test_designated_gpai_needs_no_threshold_notification if {
	ids := ids_of({"gpai": {"isGpai": true, "commissionDesignated": true}})
	not "gpai_notification" in ids
	"gpai_model_evaluation" in ids
}

test_gpai_obligations_fall_on_the_provider if {
	ids_of({"gpai": {"isGpai": true}, "role": "deployer"}) == []
}

test_unknown_role_holds_nothing if {
	ids_of({"useCase": "recruitment", "role": "operator"}) == []
}

test_every_obligation_is_well_formed if {
	ids := [spec.id | some spec in config.list]
	count(ids) == count({id | some id in ids})
	every spec in config.list {
		regex.match(`^[a-z][a-z0-9_]*$`, spec.id)
		spec.holder in {"provider", "deployer"}
		is_boolean(spec.demandEvidence)
		spec.dateOfApplication in ({"highRisk"} | object.keys(data.verdict.config.euaiact.dates))
	}
}
