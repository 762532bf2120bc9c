# METADATA
# title: Deployment rules - what may run where
# description: |
#   The deployment gate's rules over input.request (a DeploymentRequest), input.approval (the
#   ledger's latest model-registry decision for the package: outcome, risk class, revocation,
#   the artifact digest it was decided for, human-oversight evidence, personal data found),
#   input.artifact.digest (the package's artifact as the gate resolved it, not as the request
#   says), input.evidence.humanOversight (the human-oversight document as the gate read it) and
#   input.profile. Every list, cap, budget and text is in
#   data.verdict.config.deployment; the environment's entry is environments[input.environment].
#   Whatever is missing from the input counts against the deployment (fail closed).
# related_resources:
#   - description: Regulation (EU) 2024/1689 (AI Act), Arts. 12, 14, 15 and 26
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#   - description: Regulation (EU) 2016/679 (GDPR), Art. 32 and Chapter V
#     ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
package verdict.lib.deployment

import data.verdict.lib.pricing
import data.verdict.lib.text

config := data.verdict.config.deployment

rules := config.rules

# METADATA
# title: The request, approval, strategy and compute (empty when absent, so that every rule still applies)
# scope: document
default request := {}

request := input.request if is_object(input.request)

approval := input.approval if is_object(input.approval)

default strategy := {}

strategy := request.strategy if is_object(request.strategy)

default compute := {}

compute := request.compute if is_object(request.compute)

environment := object.get(input, "environment", null)

decision_id := text.of(object.get(approval, "decisionId", null))

# METADATA
# title: The environment's allow-lists and caps (none for an environment the data does not know)
settings := object.get(config.environments, environment, {})

# METADATA
# title: The risk class the approval recorded (unknown without an approval)
# scope: document
default risk_class := "unknown"

risk_class := approval.riskClass if is_string(approval.riskClass)

violation(rule, message) := {
	"rule": rule.rule,
	"severity": rule.severity,
	"message": message,
	"reference": rule.reference,
	"remediation": rule.remediation,
}

# METADATA
# title: No model-registry decision for the package
violations contains violation(
	rules.approvalMissing,
	sprintf("The ledger holds no model-registry decision for %s.", [text.of(object.get(input, ["subject", "id"], null))]),
) if {
	not approval
}

# METADATA
# title: The model-registry decision is not allow
violations contains violation(
	rules.approvalNotAllow,
	sprintf("The model-registry decision %s for this version is %s, not allow.", [
		decision_id,
		text.of(object.get(approval, "decision", null)),
	]),
) if {
	approval
	not approval.decision == "allow"
}

# METADATA
# title: The decision was revoked (anything but revoked false counts as revoked)
violations contains violation(
	rules.approvalRevoked,
	sprintf("The model-registry decision %s was revoked%s.", [decision_id, revoked_at]),
) if {
	approval
	not approval.revoked == false
}

# METADATA
# title: The artifact is not the one the decision was made for
violations contains violation(
	rules.digestMismatch,
	sprintf("The model artifact is %s; the decision %s allowed %s.", [
		text.of(object.get(input, ["artifact", "digest"], null)),
		decision_id,
		text.of(object.get(approval, "artifactDigest", null)),
	]),
) if {
	approval
	not digest_matches
}

# METADATA
# title: The environment does not allow the risk class
violations contains violation(
	rules.environmentNotAllowed,
	sprintf("The %s environment does not allow %s-risk systems (it allows: %s).", [
		text.of(environment),
		risk_class,
		listed(object.get(settings, "riskClasses", [])),
	]),
) if {
	approval
	not risk_class in object.get(settings, "riskClasses", [])
}

# METADATA
# title: A high-risk system without human-oversight evidence
violations contains violation(
	rules.humanOversightMissing,
	"A high-risk system is deployed without evidence of assigned human oversight.",
) if {
	risk_class == "high"
	not human_oversight_evidence
}

# METADATA
# title: A high-risk system whose human-oversight evidence cannot be read, does not exist or is empty
violations contains violation(
	rules.humanOversightUnreadable,
	sprintf("The human-oversight evidence %s %s.", [text.of(oversight_uri), oversight_problem]),
) if {
	risk_class == "high"
	human_oversight_evidence
}

# METADATA
# title: A high-risk system rolled out all at once or rolling
violations contains violation(
	rules.strategyNotGradual,
	sprintf("A high-risk system is rolled out with strategy %s; it needs one of: %s.", [
		text.of(object.get(strategy, "type", null)),
		listed(config.highRisk.strategies),
	]),
) if {
	risk_class == "high"
	not object.get(strategy, "type", null) in config.highRisk.strategies
}

# METADATA
# title: A high-risk system without rollback alarms
violations contains violation(
	rules.rollbackAlarmsMissing,
	sprintf("A high-risk system is rolled out with %d rollback alarm(s); it needs at least %d.", [
		count(alarms),
		config.highRisk.minAlarms,
	]),
) if {
	risk_class == "high"
	count(alarms) < config.highRisk.minAlarms
}

# METADATA
# title: A high-risk system without request/response logging kept six months
# custom:
#   reference: Art. 12(1) automatic recording of events; Art. 26(6) logs kept at least six months
violations contains violation(
	rules.loggingMissing,
	sprintf("A high-risk system is deployed without %s.", [concat(", ", sort(logging_gaps))]),
) if {
	risk_class == "high"
	count(logging_gaps) > 0
}

# METADATA
# title: The instance type (SageMaker) or GPU node type (EKS) is not in the environment's allow-list
violations contains violation(
	rules.instanceTypeNotAllowed,
	sprintf("Instance type %s is not allowed in %s (allowed: %s).", [
		text.of(instance_type),
		text.of(environment),
		listed(object.get(settings, "instanceTypes", [])),
	]),
) if {
	not instance_type in object.get(settings, "instanceTypes", [])
}

# METADATA
# title: The GPU type is not in the environment's allow-list
violations contains violation(
	rules.gpuTypeNotAllowed,
	sprintf("GPU type %s is not allowed in %s (allowed: %s).", [
		text.of(object.get(compute, "gpuType", null)),
		text.of(environment),
		listed(object.get(settings, "gpuTypes", [])),
	]),
) if {
	compute.kind == "gpu-replicas"
	not compute.gpuType in object.get(settings, "gpuTypes", [])
}

# METADATA
# title: More GPUs per replica than the environment's cap
violations contains violation(
	rules.gpuCountOverCap,
	sprintf("Each replica asks for %s GPUs; %s allows at most %s.", [
		text.of(object.get(compute, "gpuCount", null)),
		text.of(environment),
		text.of(object.get(settings, "maxGpusPerReplica", 0)),
	]),
) if {
	compute.kind == "gpu-replicas"
	not gpus_within_cap
}

# METADATA
# title: An autoscaling maximum over the environment's cap
violations contains violation(
	rules.autoscalingOverCap,
	sprintf("The autoscaling maximum is %s; %s allows at most %s.", [
		text.of(object.get(pricing.priced_by, "units", null)),
		text.of(environment),
		text.of(object.get(settings, "maxInstances", 0)),
	]),
) if {
	compute.kind
	not units_within_cap
}

# METADATA
# title: No price for the instance type in the region - the cost cannot be estimated
violations contains violation(
	rules.priceUnknown,
	sprintf("The price table has no single on-demand price for %s in %s; the monthly cost cannot be estimated.", [
		text.of(instance_type),
		text.of(object.get(request, "region", null)),
	]),
) if {
	not pricing.monthly_micro
}

# METADATA
# title: The monthly estimate exceeds the cost centre's budget
violations contains violation(
	rules.costOverBudget,
	sprintf(over_budget, [
		pricing.usd(pricing.monthly_micro),
		text.of(pricing.priced_by.units),
		text.of(instance_type),
		text.of(pricing.hourly_micro / 1000000),
		text.of(config.hoursPerMonth),
		budget_shown,
		text.of(pricing.cost_centre),
	]),
) if {
	not within_budget
	pricing.monthly_micro
}

# METADATA
# title: A mandatory tag is missing or empty
violations contains violation(
	rules.tagMissing,
	sprintf("The deployment has no %s tag.", [tag]),
) if {
	some tag in config.mandatoryTags
	not non_empty(object.get(object.get(request, "tags", {}), tag, null))
}

# METADATA
# title: The region is not in the allow-list (data residency)
violations contains violation(
	rules.regionNotAllowed,
	sprintf("Region %s is not allowed (allowed: %s).", [
		text.of(object.get(request, "region", null)),
		listed(config.regions),
	]),
) if {
	not object.get(request, "region", null) in config.regions
}

# METADATA
# title: A model trained on personal data without network isolation
violations contains violation(rules.networkIsolationRequired, message) if {
	personal_data_basis
	not object.get(request, "networkIsolation", false) == true
	message := sprintf(
		"The model was trained on personal data (%s) and is deployed without network isolation.",
		[personal_data_basis],
	)
}

default revoked_at := ""

revoked_at := sprintf(" at %s", [approval.revokedAt]) if is_string(approval.revokedAt)

digest_matches if {
	is_string(input.artifact.digest)
	input.artifact.digest != ""
	approval.artifactDigest == input.artifact.digest
}

human_oversight_evidence if non_empty(approval.humanOversightEvidence)

human_oversight_evidence if non_empty(request.humanOversightEvidence)

# METADATA
# title: The human-oversight document the gate reads - the approval's, else the request's
# scope: document
default oversight_uri := null

oversight_uri := approval.humanOversightEvidence if {
	non_empty(approval.humanOversightEvidence)
} else := request.humanOversightEvidence if {
	non_empty(request.humanOversightEvidence)
}

# METADATA
# title: The document as the gate read it - only a read of the very document named counts
oversight_read := read if {
	read := object.get(input, ["evidence", "humanOversight"], null)
	is_object(read)
	read.uri == oversight_uri
}

# METADATA
# title: What is wrong with the human-oversight document (undefined when it was read and is not empty)
oversight_problem := "could not be read" if {
	not oversight_read
} else := "could not be read" if {
	not oversight_read.readable == true
} else := "does not exist" if {
	not oversight_read.exists == true
} else := "is empty" if {
	not at_most(1, oversight_read.size)
}

# METADATA
# title: The human-oversight obligation of a high-risk deployment, with the digest of the document read
# description: |
#   Recorded in the decision so that an auditor can tie it to the exact document: evidenceSha256 is the
#   SHA-256 of the bytes the gate read.
obligations contains object.union(
	{
		"id": "human_oversight",
		"ref": rules.humanOversightUnreadable.reference,
		"title": "Human oversight assigned to competent, trained people",
		"applies": true,
		"satisfied": oversight_satisfied,
		"evidence": oversight_uri,
	},
	oversight_digest,
) if {
	risk_class == "high"
	human_oversight_evidence
}

default oversight_satisfied := false

oversight_satisfied if not oversight_problem

default oversight_digest := {}

oversight_digest := {"evidenceSha256": oversight_read.sha256} if is_string(oversight_read.sha256)

alarms := [alarm | some alarm in object.get(strategy, "alarms", []); non_empty(alarm)]

capture := object.get(request, "dataCapture", {})

logging_gaps contains "data capture (dataCapture.enabled)" if not capture.enabled == true

logging_gaps contains "request capture (dataCapture.captureRequest)" if not capture.captureRequest == true

logging_gaps contains "response capture (dataCapture.captureResponse)" if not capture.captureResponse == true

logging_gaps contains gap if {
	not sampling_complete
	gap := sprintf(
		"capture of at least %d %% of requests (dataCapture.samplingPercent)",
		[config.highRisk.minSamplingPercent],
	)
}

logging_gaps contains gap if {
	not retention_long_enough
	gap := sprintf("a retention of at least %d days (dataCapture.retentionDays)", [config.highRisk.minLogRetentionDays])
}

default instance_type := null

instance_type := compute.instanceType if compute.kind == "sagemaker-instances"

instance_type := compute.nodeInstanceType if compute.kind == "gpu-replicas"

# METADATA
# title: Why the model counts as trained on personal data (without a profile it does, fail closed)
personal_data_basis := "no AI-system profile says otherwise" if {
	not is_object(input.profile)
} else := "the AI-system profile declares personalData" if {
	is_object(input.profile.personalData)
} else := sprintf("the registry gate found %s", [listed(approval.personalDataFound)]) if {
	count(approval.personalDataFound) > 0
}

non_empty(value) if {
	is_string(value)
	trim_space(value) != ""
}

listed(values) := concat(", ", [text.of(v) | some v in values]) if count(values) > 0

listed(values) := "none" if count(values) == 0

over_budget := concat(" ", [
	"The monthly estimate of USD %s (%s x %s at USD %s an hour, %s hours)",
	"exceeds the budget of USD %s of cost centre %s.",
])

default budget_shown := "none"

budget_shown := pricing.usd(pricing.budget_micro)

# Comparisons only between numbers: Rego orders null and strings against numbers, which would pass.
at_most(value, limit) if {
	is_number(value)
	is_number(limit)
	value <= limit
}

gpus_within_cap if at_most(compute.gpuCount, settings.maxGpusPerReplica)

units_within_cap if at_most(pricing.priced_by.units, settings.maxInstances)

within_budget if at_most(pricing.monthly_micro, pricing.budget_micro)

sampling_complete if at_most(config.highRisk.minSamplingPercent, capture.samplingPercent)

retention_long_enough if at_most(config.highRisk.minLogRetentionDays, capture.retentionDays)
