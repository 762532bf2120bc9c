package verdict.lib.pricing_test

import data.verdict.lib.pricing
import data.verdict.test.deployment_fixtures as fx

offers := data.verdict.config.deployment.prices

estimate_for(gate_input) := estimate if {
	estimate := pricing.estimate with input as gate_input
}

test_a_sagemaker_instance_is_priced_from_the_sagemaker_offer if {
	pricing.hourly_micro == 256000 with input as fx.gate_input
	pricing.monthly_micro == 747520000 with input as fx.gate_input
	estimate_for(fx.gate_input) == {
		"instanceType": "ml.m5.xlarge",
		"region": "eu-west-1",
		"units": 4,
		"hoursPerMonth": 730,
		"hourlyUsd": 0.256,
		"monthlyUsd": 747.52,
		"budgetUsd": 5000,
		"costCentre": "cc-credit",
	}
}

test_a_gpu_node_is_priced_from_the_ec2_offer if {
	gpu := object.union(fx.gate_input, {"request": fx.gpu_request})

	# 2 x g6.xlarge in eu-west-1: 0.8985 USD an hour x 2 x 730 hours.
	pricing.monthly_micro == 1311810000 with input as gpu
}

test_the_region_selects_the_price if {
	pricing.hourly_micro == 230000 with input as object.union(fx.gate_input, {"request": {"region": "us-east-1"}})
	pricing.hourly_micro == 276000 with input as object.union(fx.gate_input, {"request": {"region": "eu-central-1"}})
}

test_no_price_outside_the_table if {
	estimate_for(object.union(fx.gate_input, {"request": {"region": "ap-south-1"}})) == null
	estimate_for(object.union(fx.gate_input, {"request": {"compute": {"kind": "lambda"}}})) == null
	estimate_for({}) == null
}

test_a_product_of_another_component_does_not_price_hosting if {
	products := {sku: offered |
		some sku, p in offers.sagemaker.products
		offered := object.union(p, {"attributes": {"component": "Training"}})
	}
	not pricing.hourly_micro with input as fx.gate_input with data.verdict.config.deployment.prices.sagemaker.products as products
}

test_two_matching_products_price_nothing if {
	some sku, offered in offers.sagemaker.products
	offered.attributes.instanceName == "ml.m5.xlarge"
	offered.attributes.regionCode == "eu-west-1"
	products := object.union(offers.sagemaker.products, {"DUPLICATE": offered})
	terms := object.union(offers.sagemaker.terms.OnDemand, {"DUPLICATE": offers.sagemaker.terms.OnDemand[sku]})
	not pricing.hourly_micro with input as fx.gate_input
		with data.verdict.config.deployment.prices.sagemaker.products as products
		with data.verdict.config.deployment.prices.sagemaker.terms.OnDemand as terms
}

test_two_price_dimensions_price_nothing if {
	some sku, offered in offers.sagemaker.products
	offered.attributes.instanceName == "ml.m5.xlarge"
	offered.attributes.regionCode == "eu-west-1"
	some code, term in offers.sagemaker.terms.OnDemand[sku]
	second := {"second": {"pricePerUnit": {"USD": "0.0010000000"}}}
	terms := object.union(offers.sagemaker.terms.OnDemand, {sku: {code: {"priceDimensions": second}}})
	not pricing.hourly_micro with input as fx.gate_input
		with data.verdict.config.deployment.prices.sagemaker.terms.OnDemand as terms
}

test_the_budget_of_the_cost_centre_or_the_default if {
	pricing.budget_usd == 5000 with input as fx.gate_input
	pricing.budget_usd == 50000 with input as object.union(fx.gate_input, {"request": {"tags": {"cost-centre": "cc-ml-platform"}}})
	pricing.cost_centre == null with input as {}
}

test_usd_with_cents if {
	pricing.usd(747520000) == "747.52"
	pricing.usd(5000000000) == "5000.00"
	pricing.usd(1311810000) == "1311.81"
	pricing.usd(40000) == "0.04"
}

test_no_budget_without_a_default if {
	pricing.budget_usd == null with input as fx.gate_input with data.verdict.config.deployment.budgets["default"] as null
	not pricing.budget_micro with input as fx.gate_input with data.verdict.config.deployment.budgets["default"] as null
}
