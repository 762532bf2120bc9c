package verdict.lib.euaiact.gpai_test

import data.verdict.lib.euaiact.gpai
import data.verdict.test.fixtures

tier_of(model) := tier if {
	tier := gpai.tier with input as fixtures.with_profile({"gpai": model})
}

basis_of(model) := basis if {
	basis := gpai.basis with input as fixtures.with_profile({"gpai": model})
}

test_not_a_gpai_model if {
	tier_of({}) == "none"
	basis_of({}) == []
}

test_gpai_model if {
	tier_of({"isGpai": true}) == "gpai"
	basis_of({"isGpai": true}) == ["Art. 53"]
}

test_exactly_1e25_flops_is_not_presumed_systemic if {
	tier_of({"isGpai": true, "trainingFlops": 1e25}) == "gpai"
	tier_of({"isGpai": true, "trainingFlops": 10000000000000000000000000}) == "gpai"
}

test_more_than_1e25_flops_is_systemic if {
	tier_of({"isGpai": true, "trainingFlops": 1.0000001e25}) == "systemic"
	tier_of({"isGpai": true, "trainingFlops": 10000000000000000000000001}) == "systemic"
	basis_of({"isGpai": true, "trainingFlops": 2e25}) == ["Art. 51(2)"]
}

test_the_threshold_is_policy_data if {
	tier_of({"isGpai": true, "trainingFlops": 5e24}) == "systemic" with data.verdict.config.euaiact.gpai.systemicRisk.thresholdFlops as 1e24
}

test_flops_of_a_model_that_is_not_gpai_do_not_count if {
	tier_of({"isGpai": false, "trainingFlops": 1e26}) == "none"
}

test_commission_designation_is_systemic if {
	tier_of({"isGpai": true, "commissionDesignated": true}) == "systemic"
	basis_of({"isGpai": true, "commissionDesignated": true}) == ["Art. 51(1)(b)"]
	basis_of({"isGpai": true, "trainingFlops": 3e25, "commissionDesignated": true}) == ["Art. 51(2)", "Art. 51(1)(b)"]
}

test_designation_implies_a_gpai_model if {
	tier_of({"isGpai": false, "commissionDesignated": true}) == "systemic"
}

test_open_weights_exemption_unless_systemic if {
	gpai.open_weights_exempt with input as fixtures.with_profile({"gpai": {"isGpai": true, "openWeights": true}})
	not gpai.open_weights_exempt with input as fixtures.with_profile({"gpai": {"isGpai": true, "openWeights": true, "trainingFlops": 2e25}})
	not gpai.open_weights_exempt with input as fixtures.with_profile({"gpai": {"isGpai": true}})
}

test_non_numeric_flops_do_not_count if {
	tier_of({"isGpai": true, "trainingFlops": "2e25"}) == "gpai"
}
