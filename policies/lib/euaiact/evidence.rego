# METADATA
# title: Evidence for the obligations of a high-risk system (the gate's check)
# description: |
#   For each obligation of the classification whose specification demands evidence
#   (demandEvidence: the high-risk, deployer, Art. 27 and derogation obligations) and that applies
#   on the evaluation date, the model package must name a document in its evidence manifest
#   (verdict:evidence, loaded by the gate into input.evidence.obligations as
#   {"<obligation id>": {"source": "s3://..."}}); data governance (Art. 10) also needs the bias
#   examination (input.evidence.bias). Each missing item is its own violation. An organisation can
#   demand readiness before the legal date per environment
#   (data.verdict.config.euaiact.obligationEvidence.enforceObligationsAhead).
# related_resources:
#   - description: Regulation (EU) 2024/1689, Arts. 9-17, 26, 27, 43, 47-49, 72, 73 and Art. 113
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact.evidence

import data.verdict.lib.dates
import data.verdict.lib.euaiact.obligations

config := data.verdict.config.euaiact.obligationEvidence

# METADATA
# title: The environment demands evidence before the obligations apply
# scope: document
default ahead := false

ahead if object.get(config.enforceObligationsAhead, environment, config.enforceObligationsAhead["default"]) == true

# METADATA
# title: The environment the gate evaluates for (input.environment; the default entry without one)
# scope: document
default environment := "default"

environment := input.environment if is_string(input.environment)

# METADATA
# title: The obligation applies on the evaluation date
# scope: document
default applies(_) := false

applies(obligation) if dates.in_force(obligation.appliesFrom)

# METADATA
# title: The gate demands the obligation's evidence now (it applies, or the environment demands it ahead)
# scope: document
demanded(obligation) if {
	obligations.by_id[obligation.id].demandEvidence == true
	applies(obligation)
}

demanded(obligation) if {
	obligations.by_id[obligation.id].demandEvidence == true
	ahead
}

# METADATA
# title: The document the evidence manifest names for an obligation
document(id) := source if {
	source := input.evidence.obligations[id].source
	is_string(source)
	source != ""
}

# METADATA
# title: The model version carries a bias examination (a bias report)
bias_examined if is_object(input.evidence.bias)

# METADATA
# title: What is missing for an obligation - its document, and the bias examination for data governance
missing(obligation) := array.concat(document_gap(obligation), bias_gap(obligation))

default document_gap(_) := []

document_gap(obligation) := [config.missingDocument] if not document(obligation.id)

default bias_gap(_) := []

bias_gap(obligation) := [config.missingBiasExamination] if {
	obligations.by_id[obligation.id].requiresBiasExamination == true
	not bias_examined
}

# METADATA
# title: Evidence of the obligation is complete
# scope: document
default satisfied(_) := false

satisfied(obligation) if count(missing(obligation)) == 0

# METADATA
# title: Each obligation with its status - applies, satisfied and the evidence document when named
status := [object.union(obligation, status_of(obligation)) | some obligation in obligations.list]

status_of(obligation) := object.union(
	{"applies": applies(obligation), "satisfied": satisfied(obligation)},
	{"evidence": source | source := document(obligation.id)},
)

# METADATA
# title: Evidence missing for an obligation the gate demands
violations contains violation if {
	some obligation in obligations.list
	demanded(obligation)
	parts := missing(obligation)
	count(parts) > 0
	violation := {
		"rule": config.rule,
		"severity": config.severity,
		"message": sprintf("%s %s (%s) applies from %s%s; %s.", [
			obligation.ref,
			obligation.title,
			obligation.holder,
			obligation.appliesFrom,
			timing(obligation),
			concat(" and ", [sprintf(part.message, [obligation.id]) | some part in parts]),
		]),
		"reference": obligation.ref,
		"remediation": concat(" ", [sprintf(part.remediation, [obligation.id]) | some part in parts]),
	}
}

# The message notes when the evidence is demanded ahead of the date of application.
default timing(_) := ""

timing(obligation) := sprintf(", and the %s environment demands its evidence ahead of that date", [environment]) if {
	not applies(obligation)
}
