# METADATA
# title: Values as text, for violation messages
# description: |
#   Messages quote values from the input (facet values, metric values, profile answers), which
#   may be of any JSON type. Compiled to WebAssembly, sprintf is provided by the JavaScript SDK
#   (sprintf-js), which fails on null and prints objects as [object Object]; this function turns
#   any value into a string first so that a message never breaks an evaluation.
package verdict.lib.text

# METADATA
# title: The value as text
# description: strings as they are, numbers as sprintf prints them, anything else as JSON.
of(value) := value if {
	is_string(value)
} else := sprintf("%v", [value]) if {
	is_number(value)
} else := json.marshal(value)
