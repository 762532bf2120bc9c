# METADATA
# title: RFC 3339 timestamps as seconds since the epoch
# description: |
#   Exceptions expire at an RFC 3339 time that may carry any UTC offset, and the gate passes the
#   evaluation time as input.now; strings with different offsets do not order as text, so both are
#   turned into seconds since 1970-01-01T00:00:00Z. Plain arithmetic on purpose: the WebAssembly
#   SDK the gates use has no time built-ins. A string that is not a valid RFC 3339 date-time has
#   no value (callers then fail closed).
# related_resources:
#   - description: RFC 3339, Date and Time on the Internet - Timestamps, section 5.6
#     ref: https://www.rfc-editor.org/rfc/rfc3339#section-5.6
package verdict.lib.timestamps

pattern := concat("", [
	`^([0-9]{4})-([0-9]{2})-([0-9]{2})`,
	`[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?`,
	`([Zz]|[+-][0-9]{2}:[0-9]{2})$`,
])

# METADATA
# title: Seconds since the epoch of an RFC 3339 date-time (fractions kept)
seconds(timestamp) := result if {
	is_string(timestamp)
	[[_, y, mo, d, h, mi, s, fraction, zone]] := regex.find_all_string_submatch_n(pattern, timestamp, 1)
	[year, month, day] := [integer(y), integer(mo), integer(d)]
	valid_date(year, month, day)
	[hour, minute, second] := [integer(h), integer(mi), integer(s)]
	valid_time(hour, minute, second)
	clock := ((hour * 3600) + (minute * 60)) + second
	days := days_from_civil(year, month, day)
	result := (((days * 86400) + clock) + fractional(fraction)) - offset_seconds(zone)
}

valid_date(year, month, day) if {
	month >= 1
	month <= 12
	day >= 1
	day <= days_in_month(year, month)
}

# A leap second (60) is a valid RFC 3339 time.
valid_time(hour, minute, second) if {
	hour <= 23
	minute <= 59
	second <= 60
}

# A run of decimal digits as a number (to_number rejects leading zeros).
integer(digits) := 0 if trim_left(digits, "0") == ""

integer(digits) := to_number(significant) if {
	significant := trim_left(digits, "0")
	significant != ""
}

fractional("") := 0

fractional(fraction) := to_number(concat("", ["0", fraction])) if fraction != ""

offset_seconds(zone) := 0 if upper(zone) == "Z"

offset_seconds(zone) := minutes_of(zone) * 60 if startswith(zone, "+")

offset_seconds(zone) := 0 - (minutes_of(zone) * 60) if startswith(zone, "-")

minutes_of(zone) := (integer(substring(zone, 1, 2)) * 60) + integer(substring(zone, 4, 2))

# METADATA
# title: Days in a month of the proleptic Gregorian calendar
# scope: document
days_in_month(year, month) := 29 if {
	month == 2
	leap(year)
}

days_in_month(year, month) := 28 if {
	month == 2
	not leap(year)
}

days_in_month(_, month) := 30 if month in {4, 6, 9, 11}

days_in_month(_, month) := 31 if month in {1, 3, 5, 7, 8, 10, 12}

# METADATA
# title: A leap year of the Gregorian calendar
# scope: document
leap(year) if {
	year % 4 == 0
	year % 100 != 0
}

leap(year) if year % 400 == 0

# METADATA
# title: Days since 1970-01-01 of a civil date (the algorithm of H. Hinnant, for years 0000-9999)
days_from_civil(year, month, day) := days if {
	[y, m] := march_based(year, month)
	era := floor(y / 400)
	year_of_era := y - (era * 400)
	day_of_year := (floor(((153 * m) + 2) / 5) + day) - 1
	day_of_era := (((year_of_era * 365) + floor(year_of_era / 4)) - floor(year_of_era / 100)) + day_of_year
	days := ((era * 146097) + day_of_era) - 719468
}

# The year and month counted from March, so that a leap day ends the year.
march_based(year, month) := [year - 1, month + 9] if month <= 2

march_based(year, month) := [year, month - 3] if month > 2
