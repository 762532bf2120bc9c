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
	kind := object.get(config.kinds, item, {"title": text.of(item), "reference": config.defaultReference})
	violation := {
		"rule": config.unreadable.rule,
		"severity": config.unreadable.severity,
		"message": sprintf("The model package names a %s (%s), but the gate could not read it.", [kind.title, text.of(item)]),
		"reference": kind.reference,
		"remediation": config.unreadable.remediation,
	}
}
