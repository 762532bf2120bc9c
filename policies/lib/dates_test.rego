package verdict.lib.dates_test

import data.verdict.lib.dates

test_as_of_is_the_input_date if {
	dates.as_of == "2026-11-28" with input as {"asOf": "2026-11-28"}
}

test_provision_applies_from_its_first_day if {
	dates.in_force("2026-12-02") with input as {"asOf": "2026-12-02"}
}

test_provision_does_not_apply_the_day_before if {
	not dates.in_force("2026-12-02") with input as {"asOf": "2026-12-01"}
}

test_every_provision_applies_without_a_valid_date if {
	every as_of in [null, 20261128, "2026-13-01", "2026-12-32", "28/11/2026", "2026-11-28T00:00:00Z"] {
		not dates.as_of with input as {"asOf": as_of}
		dates.in_force("2999-01-01") with input as {"asOf": as_of}
	}
}

test_invalid_date_is_a_violation if {
	violations := dates.violations with input as {"asOf": "tomorrow"}
	{v.rule | some v in violations} == {"input.as_of_invalid"}
}

test_missing_date_is_a_violation if {
	count(dates.violations) == 1 with input as {}
}

test_valid_date_is_no_violation if {
	count(dates.violations) == 0 with input as {"asOf": "2026-02-28"}
}
