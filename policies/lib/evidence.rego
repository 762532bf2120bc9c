# METADATA
# title: Evidence the model package names but that could not be read
# description: |
#   The gate lists in input.evidence.missing each piece of evidence the model package points
#   to (a bias report, ...) that it could not read. Unreadable evidence is never taken as
#   passing: the package is denied until the evidence can be read.
package verdict.lib.evidence

import data.verdict.lib.text

config := data.verdict.config.evidence

# METADATA
# title: Evidence unreadable
violations contains violation if {
	some item in input.evidence.missing
	missing := described(item)
	kind := object.get(config.kinds, missing.kind, {"title": text.of(missing.kind), "reference": config.defaultReference})
	violation := {
		"rule": config.unreadable.rule,
		"severity": config.unreadable.severity,
		"message": sprintf("The gate could not read evidence the model package names: %s%s.", [kind.title, located(missing)]),
		"reference": kind.reference,
		"remediation": config.unreadable.remediation,
	}
}

# An item is {"kind": "bias_report", "source": "s3://..."}; anything else still counts as unreadable.
described(item) := {
	"kind": text.of(object.get(item, "kind", "unknown")),
	"source": object.get(item, "source", null),
} if {
	is_object(item)
} else := {"kind": text.of(item), "source": null}

located(missing) := sprintf(" at %s", [missing.source]) if {
	is_string(missing.source)
} else := ""
