# METADATA
# title: General-purpose AI models (Arts. 51-55)
# description: |
#   A separate axis from the risk class: none, gpai, or systemic (a GPAI model with systemic
#   risk). Systemic risk is presumed when the cumulative training compute is strictly greater
#   than the threshold in the policy data (10^25 FLOPs; exactly 10^25 is not presumed), or when
#   the Commission designated the model. A Commission designation presupposes a GPAI model, so
#   it counts even when the profile's isGpai answer is false. Open-weights models are exempt from
#   Art. 53(1)(a) and (b) unless they carry systemic risk.
# related_resources:
#   - description: Regulation (EU) 2024/1689, Arts. 51-55
#     ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
package verdict.lib.euaiact.gpai

config := data.verdict.config.euaiact.gpai

# METADATA
# title: Designated by the Commission as a GPAI model with systemic risk (Art. 51(1)(b))
designated if input.profile.gpai.commissionDesignated == true

# METADATA
# title: A general-purpose AI model
# scope: document
model if input.profile.gpai.isGpai == true

model if designated

# METADATA
# title: Training compute strictly greater than the threshold (Art. 51(2))
threshold_met if {
	input.profile.gpai.isGpai == true
	is_number(input.profile.gpai.trainingFlops)
	input.profile.gpai.trainingFlops > config.systemicRisk.thresholdFlops
}

# METADATA
# title: A GPAI model with systemic risk
# scope: document
systemic if threshold_met

systemic if designated

# METADATA
# title: Open weights without systemic risk - exempt from Art. 53(1)(a) and (b) (Art. 53(2))
open_weights_exempt if {
	model
	input.profile.gpai.openWeights == true
	not systemic
}

# METADATA
# title: The GPAI tier - none, gpai or systemic
# scope: document
default tier := "none"

tier := "systemic" if {
	systemic
} else := "gpai" if {
	model
}

# METADATA
# title: The references that decided the tier - the threshold, the designation, or Art. 53 for a plain GPAI model
basis := array.flatten([threshold_basis, designation_basis, plain_basis])

default threshold_basis := []

threshold_basis := [config.systemicRisk.thresholdBasis] if threshold_met

default designation_basis := []

designation_basis := [config.systemicRisk.designationBasis] if designated

default plain_basis := []

plain_basis := [config.gpaiBasis] if tier == "gpai"
