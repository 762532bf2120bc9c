# METADATA
# title: Gate modes - enforce, warn or dry-run per environment and policy family
# description: |
#   Each violation belongs to a family (eu_ai_act, bias, pii, profile, evidence, input), found by
#   the longest rule-id prefix in data.verdict.config.families.byRulePrefix, so a new family's rules
#   need a data entry, not a code change. The mode of a family comes from data.verdict.config.modes:
#   the environment's entry (input.environment), else the default entry, else enforce.
#   enforce: the violation decides the outcome; warn: it is reported but does not decide;
#   dry-run: reported as a shadow evaluation, does not decide. An unknown mode enforces (fails
#   closed), and rules listed in families.alwaysEnforced (the Art. 5 prohibitions) always enforce.
package verdict.lib.modes

config := data.verdict.config.families

# METADATA
# title: The family of a rule id (the longest matching prefix; the data's unknown family otherwise)
family(rule) := matches[count(matches) - 1][1] if {
	matches := sort([[count(prefix), name] |
		some prefix, name in config.byRulePrefix
		startswith(rule, prefix)
	])
	count(matches) > 0
} else := config.unknown

# METADATA
# title: The mode a rule's violations run in, in the input's environment
mode(rule) := "enforce" if {
	some prefix in config.alwaysEnforced
	startswith(rule, prefix)
} else := valid(configured(family(rule)))

# The family's mode in the environment's entry, else in the default entry, else the unknown mode.
configured(name) := object.get(
	object.get(data.verdict.config.modes, environment, {}),
	name,
	object.get(data.verdict.config.modes["default"], name, config.unknownMode),
)

# METADATA
# title: The environment the gate evaluates for (input.environment; the default entry without one)
# scope: document
default environment := "default"

environment := input.environment if is_string(input.environment)

valid(mode) := mode if {
	mode in config.validModes
} else := config.unknownMode
