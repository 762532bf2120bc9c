# METADATA
# title: Monthly cost of a deployment, from an AWS Price List offer file
# description: |
#   The price table is policy data in the AWS Price List bulk JSON format, one offer file per
#   service: data.verdict.config.deployment.prices.sagemaker (AmazonSageMaker, instanceName) for
#   SageMaker instances and .ec2 (AmazonEC2, instanceType) for the nodes of EKS GPU workloads.
#   A product matches the request when its productFamily, name attribute, regionCode and the
#   filter attributes of data.verdict.config.deployment.priceFilters match; exactly one must,
#   with exactly one on-demand price dimension. The estimate is the worst case the request
#   allows: the hourly price times the autoscaling maximum (one replica per node) times
#   hoursPerMonth. Amounts are whole micro-dollars, so that the budget comparison is exact.
package verdict.lib.pricing

config := data.verdict.config.deployment

compute := input.request.compute if is_object(input.request.compute)

# METADATA
# title: The offer file, name and count the compute kind is priced by
# scope: document
priced_by := {"offer": "sagemaker", "instanceType": compute.instanceType, "units": compute.maxInstanceCount} if {
	compute.kind == "sagemaker-instances"
}

priced_by := {"offer": "ec2", "instanceType": compute.nodeInstanceType, "units": compute.maxReplicas} if {
	compute.kind == "gpu-replicas"
}

# METADATA
# title: The products of the offer file that price this instance type in this region
skus contains sku if {
	filter := config.priceFilters[priced_by.offer]
	some sku, offered in config.prices[priced_by.offer].products
	offered.productFamily == filter.productFamily
	offered.attributes[filter.nameAttribute] == priced_by.instanceType
	offered.attributes.regionCode == input.request.region
	every key, value in filter.attributes {
		offered.attributes[key] == value
	}
}

# METADATA
# title: The on-demand hourly price in micro-dollars (one product, one price dimension)
hourly_micro := round(to_number(prices[0]) * 1000000) if {
	count(skus) == 1
	some sku in skus
	prices := [dimension.pricePerUnit.USD |
		some term in config.prices[priced_by.offer].terms.OnDemand[sku]
		some dimension in term.priceDimensions
	]
	count(prices) == 1
}

# METADATA
# title: The monthly estimate in micro-dollars at the autoscaling maximum
monthly_micro := (hourly_micro * priced_by.units) * config.hoursPerMonth if {
	is_number(priced_by.units)
	priced_by.units >= 1
}

# METADATA
# title: The cost centre named by the request's tag (none without the tag)
# scope: document
default cost_centre := null

cost_centre := input.request.tags[config.costCentreTag] if is_string(input.request.tags[config.costCentreTag])

# METADATA
# title: The cost centre's monthly budget in USD (the default budget without an entry)
# scope: document
default budget_usd := null

budget_usd := config.budgets.byCostCentre[cost_centre] if {
	is_number(config.budgets.byCostCentre[cost_centre])
} else := config.budgets["default"]

budget_micro := round(budget_usd * 1000000) if is_number(budget_usd)

# METADATA
# title: Micro-dollars as USD with cents, e.g. 671.60
usd(micro) := sprintf("%d.%02d", [floor(cents / 100), cents % 100]) if cents := round(micro / 10000)

# METADATA
# title: The estimate the decision reports (null when the price is unknown)
# scope: document
default estimate := null

estimate := {
	"instanceType": priced_by.instanceType,
	"region": input.request.region,
	"units": priced_by.units,
	"hoursPerMonth": config.hoursPerMonth,
	"hourlyUsd": hourly_micro / 1000000,
	"monthlyUsd": monthly_micro / 1000000,
	"budgetUsd": budget_usd,
	"costCentre": cost_centre,
}
