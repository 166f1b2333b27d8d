import datetime as dt

import pytest

from itil_crm.engines.service_calendar import CalendarError, check_timezone, validate_intervals


def test_valid_week_with_lunch_break():
	validate_intervals(
		[("Monday", "09:00", "12:30"), ("Monday", "13:30", "18:00"), ("Friday", "08:00", "24:00")]
	)


def test_calendar_without_working_time_is_rejected():
	with pytest.raises(CalendarError, match="no working time"):
		validate_intervals([])
	validate_intervals([], is_24x7=True)


def test_inverted_and_overlapping_intervals_are_named():
	with pytest.raises(CalendarError) as e:
		validate_intervals(
			[
				("Monday", "18:00", "09:00"),
				("Tuesday", "09:00", "12:30"),
				("Tuesday", "12:00", "14:00"),
				("Funday", "09:00", "10:00"),
			]
		)
	message = str(e.value)
	assert "Monday 18:00-09:00 ends before it starts" in message
	assert "Tuesday 09:00-12:30 overlaps 12:00-14:00" in message
	assert "unknown weekday 'Funday'" in message


def test_time_values_as_stored_by_frappe():
	# MariaDB gives Time columns back as timedelta
	validate_intervals([("Monday", dt.timedelta(hours=9), dt.timedelta(hours=17, minutes=30))])
	with pytest.raises(CalendarError):
		validate_intervals([("Monday", dt.timedelta(hours=9), dt.timedelta(hours=9))])


def test_timezones():
	assert check_timezone("Europe/Paris").key == "Europe/Paris"
	for bad in ("Mars/Olympus", "", None, "../etc/passwd"):
		with pytest.raises(CalendarError):
			check_timezone(bad)
