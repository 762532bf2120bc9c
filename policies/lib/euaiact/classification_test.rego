package verdict.lib.euaiact_test

import data.verdict.lib.euaiact
import data.verdict.test.fixtures

classification_of(changes, as_of) := classification if {
	classification := euaiact.classification with input as {"profile": object.union(fixtures.profile, changes), "asOf": as_of}
}

test_minimal_risk_system if {
	classification_of({}, "2026-11-28") == {
		"riskClass": "minimal",
		"annexIII": null,
		"derogated": false,
		"gpai": "none",
		"transparency": [],
		"basis": [],
		"obligations": [],
	}
}

test_high_risk_cv_ranker if {
	classification := classification_of({"useCase": "recruitment", "profiling": true, "role": "provider"}, "2026-11-28")
	object.remove(classification, ["obligations"]) == {
		"riskClass": "high",
		"annexIII": "4(a)",
		"derogated": false,
		"gpai": "none",
		"transparency": [],
		"basis": ["Art. 6(2)", "Annex III 4(a)"],
	}
	classification.obligations[0] == {"ref": "Art. 9", "title": "Risk management system", "holder": "provider", "appliesFrom": "2027-12-02"}
	count(classification.obligations) == 14
}

test_derogated_chatbot_screening_applications if {
	changes := {"useCase": "recruitment", "derogation": "narrow_procedural_task", "transparency": {"interactsWithHumans": true}}
	classification_of(changes, "2026-11-28") == {
		"riskClass": "limited",
		"annexIII": "4(a)",
		"derogated": true,
		"gpai": "none",
		"transparency": ["50(1)"],
		"basis": ["Art. 50(1)", "Art. 6(3)", "Annex III 4(a)"],
		"obligations": [
			{
				"ref": "Art. 6(4)",
				"title": "Documented assessment that the Annex III system is not high-risk (Art. 6(3)), before placing it on the market",
				"holder": "provider",
				"appliesFrom": "2027-12-02",
			},
			{
				"ref": "Art. 49(2)",
				"title": "Registration in the EU database of the Annex III system the provider considers not high-risk",
				"holder": "provider",
				"appliesFrom": "2027-12-02",
			},
			{
				"ref": "Art. 50(1)",
				"title": "Inform natural persons that they are interacting with an AI system, unless obvious",
				"holder": "provider",
				"appliesFrom": "2026-08-02",
			},
		],
	}
}

test_prohibited_generator_depends_on_the_date if {
	changes := {"art5": {"intimateImageryWithoutConsent": true}, "transparency": {"generatesSyntheticContent": true}}
	before := classification_of(changes, "2026-12-01")
	before.riskClass == "limited"
	before.basis == ["Art. 50(2)"]
	after := classification_of(changes, "2026-12-02")
	after.riskClass == "prohibited"
	after.basis == ["Art. 5(1)(ba)"]
	after.transparency == ["50(2)"]
}

test_systemic_gpai_model if {
	changes := {"useCase": "general_purpose", "gpai": {"isGpai": true, "trainingFlops": 3.8e25, "openWeights": true}}
	classification := classification_of(changes, "2026-11-28")
	classification.riskClass == "minimal"
	classification.gpai == "systemic"
	classification.basis == ["Art. 51(2)"]
	[o.ref | some o in classification.obligations] == [
		"Art. 52(1)", "Art. 53(1)(a)", "Art. 53(1)(b)", "Art. 53(1)(c)", "Art. 53(1)(d)",
		"Art. 55(1)(a)", "Art. 55(1)(b)", "Art. 55(1)(c)", "Art. 55(1)(d)",
	]
}

test_public_credit_scoring_deployer if {
	changes := {"useCase": "creditworthiness", "role": "deployer", "deployerType": "public_authority"}
	[[o.ref, o.holder] | some o in classification_of(changes, "2026-11-28").obligations] == [
		["Art. 26", "deployer"],
		["Art. 27", "deployer"],
		["Art. 49(3)", "deployer"],
	]
}

test_garbage_is_unknown_but_complete if {
	every garbage in [42, {"profile": null}, {"profile": "x"}, {"profile": {}}] {
		classification := euaiact.classification with input as garbage
		classification.riskClass == "unknown"
		object.keys(classification) == {"riskClass", "annexIII", "derogated", "gpai", "transparency", "basis", "obligations"}
	}
}
