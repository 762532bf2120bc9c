# METADATA
# title: Risk class, for the other policy families
# description: |
#   A stable view of the EU AI Act classification (package verdict.lib.euaiact.risk) for the bias
#   and PII policies, which tune their thresholds by risk class: the class, and the Annex III
#   points that make the system high-risk.
package verdict.lib.risk

import data.verdict.lib.euaiact.high_risk
import data.verdict.lib.euaiact.risk as classified
import data.verdict.lib.euaiact.transparency as duties

# METADATA
# title: Risk class - prohibited, high, limited, minimal or unknown
class := classified.class

# METADATA
# title: The Annex III points that make the system high-risk (Art. 6(2)), e.g. "Annex III 4(a)"; empty when derogated
annex_iii contains sprintf(data.verdict.config.euaiact.high_risk.annexIII.pointReference, [point]) if {
	classified.via_annex_iii
	some point in high_risk.annex_iii_points
}

# METADATA
# title: The transparency duties of Art. 50 the system triggers, e.g. "Art. 50(1)"
transparency := {reference | some reference in duties.references}
