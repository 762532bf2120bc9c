package verdict.lib.timestamps_test

import data.verdict.lib.timestamps

test_epoch if {
	timestamps.seconds("1970-01-01T00:00:00Z") == 0
}

test_utc if {
	timestamps.seconds("2026-11-28T10:00:00Z") == 1795860000
	timestamps.seconds("2000-03-01T00:00:00Z") == 951868800
	timestamps.seconds("1969-12-31T23:59:59Z") == -1
}

test_offsets if {
	timestamps.seconds("2026-11-28T11:00:00+01:00") == timestamps.seconds("2026-11-28T10:00:00Z")
	timestamps.seconds("2026-11-28T04:30:00-05:30") == timestamps.seconds("2026-11-28T10:00:00Z")
	timestamps.seconds("2026-11-28T10:00:00+00:00") == timestamps.seconds("2026-11-28t10:00:00z")
}

test_fractions if {
	timestamps.seconds("2026-11-28T10:00:00.500Z") == 1795860000.5
	timestamps.seconds("2026-11-28T10:00:00.001Z") > timestamps.seconds("2026-11-28T10:00:00Z")
	timestamps.seconds("2026-11-28T10:00:00.000Z") == timestamps.seconds("2026-11-28T10:00:00Z")
}

test_leap_years if {
	timestamps.seconds("2024-02-29T00:00:00Z") == timestamps.seconds("2024-03-01T00:00:00Z") - 86400
	timestamps.seconds("2000-02-29T00:00:00Z")
	not timestamps.seconds("2100-02-29T00:00:00Z")
	not timestamps.seconds("2026-02-29T00:00:00Z")
	timestamps.seconds("2026-02-28T00:00:00Z")
}

test_month_lengths if {
	timestamps.seconds("2026-04-30T00:00:00Z")
	not timestamps.seconds("2026-04-31T00:00:00Z")
	timestamps.seconds("2026-12-31T23:59:59Z")
}

test_invalid_timestamps_have_no_value if {
	every invalid in [
		"2026-11-28", "2026-11-28T10:00:00", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
		"2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:61Z",
		"tomorrow", 42, null, "2026-11-28T10:00:00+1:00",
	] {
		not timestamps.seconds(invalid)
	}
}
