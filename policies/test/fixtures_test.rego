# METADATA
# title: Test fixtures shared by the policy tests
# description: |
#   A gate input for a minimal-risk system whose every profile answer is the harmless one.
#   Tests derive the cases they need from it with object.union (a deep merge).
package verdict.test.fixtures

profile := {
	"name": "Churn predictor",
	"purpose": "Predicts which subscribers are likely to cancel, to plan retention offers.",
	"role": "provider_and_deployer",
	"deployerType": "private",
	"affectsNaturalPersons": true,
	"profiling": false,
	"useCase": "other",
	"art5": {
		"manipulativeOrSubliminal": false,
		"exploitsVulnerabilities": false,
		"significantHarmLikely": false,
		"socialScoring": false,
		"crimeRiskSolelyFromProfiling": false,
		"untargetedFacialScraping": false,
		"intimateImageryWithoutConsent": false,
		"childSexualAbuseMaterial": false,
	},
	"biometrics": {
		"function": "none",
		"realtime": false,
		"publiclyAccessibleSpace": false,
		"inferredAttributes": [],
		"setting": "other",
		"medicalOrSafetyReason": false,
		"lawEnforcement": {"objective": "none", "priorAuthorisation": false},
	},
	"annexI": {"legislation": null, "safetyComponent": false, "thirdPartyConformityAssessment": false},
	"derogation": null,
	"transparency": {"interactsWithHumans": false, "generatesSyntheticContent": false, "deepfake": false},
	"gpai": {"isGpai": false, "trainingFlops": null, "commissionDesignated": false, "openWeights": false},
}

gate_input := {
	"gate": "model_registry",
	"environment": "prod",
	"asOf": "2026-11-28",
	"subject": {
		"kind": "model-package",
		"id": "arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/2",
		"group": "churn",
		"version": "2",
	},
	"profile": profile,
	"evidence": {"bias": null, "missing": []},
}

# The gate input with the given changes to the profile.
with_profile(changes) := object.union(gate_input, {"profile": object.union(profile, changes)})

# The gate input with the given changes to the profile and the given bias report facets.
with_bias(changes, facets) := object.union(with_profile(changes), {"evidence": {"bias": bias_report(facets)}})

bias_report(facets) := {
	"source": "s3://verdict-evidence/churn/2/analysis.json",
	"label": "churned",
	"facets": facets,
}

# One facet with one value, the given disparate impact and fair values of the other required metrics.
di(facet, value, measured) := {facet: [{"value": value, "metrics": {"DI": measured, "DPPL": 0.01, "RD": 0.02, "AD": 0.01, "CI": -0.08}}]}
