# METADATA
# title: Classification entrypoint
# description: |
#   Classifies an AI-system profile under the EU AI Act, without gating anything. The entrypoint is
#   data.verdict.classify.classification (verdict/classify/classification); `npx verdict classify`
#   evaluates it.
#
#   Input: {"profile": <AI-system profile>, "asOf": "YYYY-MM-DD"}
#
#   Output: the classification of docs/profile.md ("The classification"):
#
#     {
#       "riskClass": "prohibited" | "high" | "limited" | "minimal",
#                                        ("unknown" only for a profile outside the schema)
#       "annexIII": "4(a)" | null,
#       "derogated": false,
#       "gpai": "none" | "gpai" | "systemic",
#       "transparency": ["50(1)", ...],
#       "basis": ["Art. 6(2)", "Annex III 4(a)"],
#       "obligations": [{"ref": "Art. 9", "title": "Risk management system", "holder": "provider",
#                        "appliesFrom": "2027-12-02"}]
#     }
package verdict.classify

import data.verdict.lib.euaiact

# METADATA
# title: The classification of input.profile at input.asOf
# entrypoint: true
classification := euaiact.classification
