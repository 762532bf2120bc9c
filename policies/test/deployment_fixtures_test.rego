# METADATA
# title: Deployment gate test fixtures
# description: |
#   A deployment input that passes every rule: an allowed, unrevoked high-risk credit scorer,
#   going to prod in eu-west-1 on two to four ml.m5.xlarge with a canary, a rollback alarm,
#   full request/response capture kept 184 days, every mandatory tag, network isolation and its
#   human-oversight document read.
#   Tests derive the cases they need from it with object.union (a deep merge).
package verdict.test.deployment_fixtures

import data.verdict.test.fixtures

arn := "arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-scorer/3"

digest := "sha256:5f2b0c9d1e4a7b8c3d6e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c"

request := {
	"modelPackageArn": arn,
	"target": {"kind": "sagemaker", "endpointName": "credit-scorer-prod"},
	"environment": "prod",
	"region": "eu-west-1",
	"strategy": {
		"type": "canary",
		"step": {"unit": "percent", "value": 10},
		"bakeSeconds": 600,
		"alarms": ["credit-scorer-5xx"],
		"maxDurationSeconds": 3600,
	},
	"compute": {"kind": "sagemaker-instances", "instanceType": "ml.m5.xlarge", "instanceCount": 2, "maxInstanceCount": 4},
	"tags": {"owner": "risk-team", "cost-centre": "cc-credit", "model": "credit-scorer", "risk-class": "high"},
	"networkIsolation": true,
	"dataCapture": {
		"enabled": true,
		"captureRequest": true,
		"captureResponse": true,
		"samplingPercent": 100,
		"destination": "s3://verdict-capture/credit-scorer/",
		"retentionDays": 184,
	},
}

gpu_request := object.union(request, {
	"target": {"kind": "eks", "cluster": "ml-prod", "namespace": "serving", "name": "credit-scorer"},
	"compute": {
		"kind": "gpu-replicas",
		"gpuType": "nvidia-l4",
		"gpuCount": 1,
		"nodeInstanceType": "g6.xlarge",
		"replicas": 1,
		"maxReplicas": 2,
	},
})

approval := {
	"decisionId": "dec-credit-scorer-3",
	"decision": "allow",
	"riskClass": "high",
	"revoked": false,
	"artifactDigest": digest,
	"humanOversightEvidence": "s3://verdict-evidence/credit-scorer/human-oversight.pdf",
	"personalDataFound": [],
}

gate_input := {
	"gate": "deployment",
	"environment": "prod",
	"now": "2026-11-28T10:00:00.000Z",
	"subject": {"kind": "model-package", "id": arn, "group": "credit-scorer", "version": "3"},
	"request": request,
	"approval": approval,
	"artifact": {"digest": digest},
	"profile": object.union(fixtures.profile, {"personalData": {"legalBasis": "contract", "masking": true}}),
	"evidence": {"humanOversight": oversight_read},
	"exceptions": [],
}

oversight_sha256 := "9c1185a5c5e9fc54612808977ee8f548b2258d31a6a1b7a6f4e5f1e0e2b8c7d4"

# The approval's human-oversight document as the gate read it.
oversight_read := {
	"uri": approval.humanOversightEvidence,
	"readable": true,
	"exists": true,
	"sha256": oversight_sha256,
	"size": 2048,
}
