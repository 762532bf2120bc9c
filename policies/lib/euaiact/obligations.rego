# METADATA
# title: Obligations per holder, with their dates of application
# description: |
#   The obligations the classification entails for the profile's role (provider, deployer or
#   both): high-risk provider obligations (Arts. 9-17, 43, 47-49, 72-73), deployer obligations
#   (Art. 26), the fundamental rights impact assessment (Art. 27) for bodies governed by public
#   law, private entities providing public services and deployers of Annex III 5(b) and 5(c)
#   systems, registration by public-authority deployers (Art. 49(3)), the duties of a provider
#   relying on the Art. 6(3) derogation (Art. 6(4), 49(2)), the Art. 50 transparency duties, and
#   the GPAI model obligations (Arts. 52-55). The list, its conditions (when), its holders and the
#   dates are policy data (data.verdict.config.euaiact.obligations); dateOfApplication names an
#   entry of data.verdict.config.euaiact.dates, or highRisk for the date of the system's high-risk
#   route (Annex III or Annex I, the earlier when both).
# related_resources:
#   - description: Regulation (EU) 2024/1689, Chapters III, IV and V, Art. 113, as amended by Regulation (EU) 2026/1744
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact.obligations

import data.verdict.lib.euaiact.derogation
import data.verdict.lib.euaiact.gpai
import data.verdict.lib.euaiact.high_risk
import data.verdict.lib.euaiact.risk
import data.verdict.lib.euaiact.transparency

config := data.verdict.config.euaiact.obligations

dates := data.verdict.config.euaiact.dates

# METADATA
# title: The obligations of the system for the profile's role, in the order of the articles
list := [{
	"id": spec.id,
	"ref": spec.ref,
	"title": spec.title,
	"holder": spec.holder,
	"appliesFrom": applies_from(spec),
} |
	some spec in config.list
	spec.holder in holders
	holds(spec)
]

# METADATA
# title: The specification of each obligation, by id
by_id[spec.id] := spec if some spec in config.list

# METADATA
# title: The holders the profile's role makes the organisation (provider, deployer or both)
holders contains holder if some holder in config.holdersByRole[input.profile.role]

# METADATA
# title: The date an obligation applies from
# scope: document
applies_from(spec) := high_risk_date if spec.dateOfApplication == "highRisk"

applies_from(spec) := dates[spec.dateOfApplication].from if spec.dateOfApplication != "highRisk"

# METADATA
# title: The date the high-risk obligations apply from - of the Annex III or Annex I route, the earlier when both
high_risk_date := sort({date |
	some route, date in {"annexIII": dates.annexIII.from, "annexI": dates.annexI.from}
	route in routes
})[0]

# METADATA
# title: The high-risk routes of the system
# scope: document
routes contains "annexIII" if risk.via_annex_iii

routes contains "annexI" if risk.via_annex_i

# METADATA
# title: The condition (when) of each obligation
# description: |
#   high_risk: the system is high-risk; annex_iii_high_risk: high-risk by an Annex III use (not
#   only in the points the obligation excepts); fria: Art. 27(1); public_deployer: an Annex III
#   high-risk system used by a public authority; derogated: the provider relies on Art. 6(3);
#   transparency: the Art. 50 duty named by the obligation applies; gpai, gpai_documentation
#   (unless open weights without systemic risk), gpai_systemic, gpai_threshold (training compute
#   over the threshold): the GPAI model obligations.
# scope: document
holds(spec) if {
	spec.when == "high_risk"
	risk.class == "high"
}

holds(spec) if {
	spec.when == "annex_iii_high_risk"
	annex_iii_high_risk_in_scope(spec)
}

holds(spec) if {
	spec.when == "public_deployer"
	annex_iii_high_risk_in_scope(spec)
	input.profile.deployerType in config.publicDeployerTypes
}

holds(spec) if {
	spec.when == "fria"
	annex_iii_high_risk_in_scope(config.fria)
	fria_case
}

holds(spec) if {
	spec.when == "derogated"
	derogation.applies
	risk.class != "prohibited"
}

holds(spec) if {
	spec.when == "transparency"
	spec.duty in transparency.duties
}

holds(spec) if {
	spec.when == "gpai"
	gpai.model
}

holds(spec) if {
	spec.when == "gpai_documentation"
	gpai.model
	not gpai.open_weights_exempt
}

holds(spec) if {
	spec.when == "gpai_systemic"
	gpai.systemic
}

holds(spec) if {
	spec.when == "gpai_threshold"
	gpai.threshold_met
}

# METADATA
# title: High-risk by an Annex III use that is not only in the points the specification excepts
annex_iii_high_risk_in_scope(spec) if {
	risk.class == "high"
	risk.via_annex_iii
	some point in high_risk.annex_iii_points
	not point in object.get(spec, "exceptAnnexIIIPoints", [])
}

# METADATA
# title: Art. 27(1) - a deployer type that must assess, or an Annex III 5(b) or 5(c) system
# scope: document
fria_case if input.profile.deployerType in config.fria.deployerTypes

fria_case if {
	some point in high_risk.annex_iii_points
	point in config.fria.annexIIIPoints
}
