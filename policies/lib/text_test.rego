package verdict.lib.text_test

import data.verdict.lib.text

test_strings_as_they_are if {
	text.of("female") == "female"
	text.of("") == ""
}

test_numbers if {
	text.of(0.79) == "0.79"
	text.of(2) == "2"
	text.of(-0.08) == "-0.08"
}

test_other_values_as_json if {
	text.of(null) == "null"
	text.of(true) == "true"
	text.of([1, "a"]) == `[1,"a"]`
	text.of({"a": "b"}) == `{"a":"b"}`
}
