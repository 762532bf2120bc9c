# METADATA
# title: EU AI Act classification of an AI-system profile
# description: |
#   The classification contract of docs/profile.md ("The classification"): the risk class, the
#   Annex III point, the derogation, the GPAI tier, the Art. 50 duties, the references that
#   decided them (most decisive first), and the obligations per holder with their dates of
#   application. Evaluated on input.profile at input.asOf (YYYY-MM-DD); without a valid date
#   every provision is taken to apply.
# related_resources:
#   - description: Regulation (EU) 2024/1689 (AI Act), as amended by Regulation (EU) 2026/1744
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact

import data.verdict.lib.euaiact.gpai
import data.verdict.lib.euaiact.obligations
import data.verdict.lib.euaiact.risk
import data.verdict.lib.euaiact.transparency

# METADATA
# title: The classification of the profile
classification := {
	"riskClass": risk.class,
	"annexIII": risk.annex_iii,
	"derogated": risk.derogated,
	"gpai": gpai.tier,
	"transparency": transparency.ordered,
	"basis": risk.basis,
	"obligations": [object.remove(obligation, ["id"]) | some obligation in obligations.list],
}
