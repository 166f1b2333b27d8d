"""Business time on service calendars: examples, daylight-saving days, properties and flatness."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from itil_crm.engines.business_time import (
	MAX_INDEX_YEARS,
	Calendar,
	_add_us,
	_between_us,
	_from_us,
	_prepare,
	_to_us,
	add_business_seconds,
	business_seconds_between,
	week_seconds,
)
from itil_crm.engines.service_calendar import CalendarError

UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
H = 3600
WEEKDAYS_9_17 = [(d, "09:00", "17:00") for d in range(5)]


def paris(*args: int) -> dt.datetime:
	return dt.datetime(*args, tzinfo=PARIS)


def new_york(*args: int) -> dt.datetime:
	return dt.datetime(*args, tzinfo=NEW_YORK)


def utc(*args: int) -> dt.datetime:
	return dt.datetime(*args, tzinfo=UTC)


def same_instant(a: dt.datetime, b: dt.datetime) -> bool:
	"""Aware datetimes sharing a tzinfo compare by wall time in Python: compare in UTC."""
	return a.astimezone(UTC) == b.astimezone(UTC)


def whole_day(zone: ZoneInfo, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
	return dt.datetime.combine(day, dt.time(), zone), dt.datetime.combine(
		day + dt.timedelta(days=1), dt.time(), zone
	)


OFFICE = Calendar.build("Europe/Paris", WEEKDAYS_9_17)


# -- building calendars -------------------------------------------------------------------------------


def test_build_accepts_every_time_format_and_sorts():
	cal = Calendar.build(
		"Europe/Paris",
		[
			("Tuesday", dt.timedelta(hours=13, minutes=30), dt.timedelta(hours=24)),
			("monday", "9:00:00.000000", "12:30:15"),
			(1, dt.time(8), dt.time(12)),
			(6, 0, 3600),
		],
		holidays=["2026-05-01", dt.date(2026, 12, 25), dt.datetime(2026, 1, 1, 10)],
	)
	assert cal.intervals == (
		(0, 9 * H, 12 * H + 30 * 60 + 15),
		(1, 8 * H, 12 * H),
		(1, 13 * H + 1800, 86400),
		(6, 0, 3600),
	)
	assert cal.holidays == frozenset({dt.date(2026, 5, 1), dt.date(2026, 12, 25), dt.date(2026, 1, 1)})
	assert Calendar.build("UTC", [("Monday", "00:00", "24:00")]).intervals == ((0, 0, 86400),)
	assert Calendar.build("UTC", [("Monday", "00:00", dt.time.max)]).intervals == ((0, 0, 86400),)


def test_week_seconds():
	assert week_seconds(OFFICE) == 5 * 8 * H
	assert week_seconds(Calendar.build("UTC", [], is_24x7=True)) == 7 * 24 * H


@pytest.mark.parametrize(
	"intervals, message",
	[
		([], "no working time"),
		([("Monday", "18:00", "09:00")], "ends before it starts"),
		([("Monday", "09:00", "12:30"), ("Monday", "12:00", "14:00")], "overlaps"),
		([("Funday", "09:00", "10:00")], "unknown weekday"),
		([(7, "09:00", "10:00")], "unknown weekday"),
		([("Monday", "9h", "10:00")], "not a time"),
		([("Monday", "09:00", "25:00")], "between 00:00 and 24:00"),
		([("Monday", "09:00", 90000)], "between 00:00 and 24:00"),
	],
)
def test_build_rejects_bad_intervals(intervals, message):
	with pytest.raises(CalendarError, match=message):
		Calendar.build("Europe/Paris", intervals)


def test_calendar_without_working_time_raises_even_when_built_directly():
	with pytest.raises(CalendarError, match="no working time"):
		Calendar("Europe/Paris", ())
	with pytest.raises(CalendarError):
		Calendar("Europe/Paris", ((0, 3600, 3600),))


def test_unknown_time_zone_raises():
	with pytest.raises(CalendarError, match="Unknown time zone"):
		Calendar.build("Mars/Olympus_Mons", WEEKDAYS_9_17)
	with pytest.raises(CalendarError, match="time zone"):
		Calendar.build("", WEEKDAYS_9_17)


def test_naive_datetimes_and_negative_amounts_raise():
	with pytest.raises(ValueError, match="timezone-aware"):
		add_business_seconds(OFFICE, dt.datetime(2026, 1, 5, 9), 60)
	with pytest.raises(ValueError, match="timezone-aware"):
		business_seconds_between(OFFICE, paris(2026, 1, 5, 9), dt.datetime(2026, 1, 6, 9))
	with pytest.raises(ValueError, match=">= 0"):
		add_business_seconds(OFFICE, paris(2026, 1, 5, 9), -1)
	with pytest.raises(ValueError, match="finite"):
		add_business_seconds(OFFICE, paris(2026, 1, 5, 9), float("inf"))


# -- examples on a business-hours calendar ------------------------------------------------------------


def test_weekend_is_skipped():
	friday = paris(2026, 1, 9, 16)
	assert add_business_seconds(OFFICE, friday, 2 * H) == paris(2026, 1, 12, 10)
	assert business_seconds_between(OFFICE, friday, paris(2026, 1, 12, 10)) == 2 * H
	assert business_seconds_between(OFFICE, paris(2026, 1, 12, 10), friday) == -2 * H


def test_lunch_break_is_not_counted():
	cal = Calendar.build(
		"Europe/Paris", [(d, i, j) for d in range(5) for i, j in (("09:00", "12:30"), ("13:30", "18:00"))]
	)
	monday = paris(2026, 1, 12, 11)
	assert add_business_seconds(cal, monday, 2 * H) == paris(2026, 1, 12, 14)
	assert business_seconds_between(cal, monday, paris(2026, 1, 12, 14)) == 2 * H
	assert add_business_seconds(cal, paris(2026, 1, 12, 9), 3.5 * H) == paris(2026, 1, 12, 12, 30)  # the end
	assert business_seconds_between(cal, paris(2026, 1, 12, 12, 30), paris(2026, 1, 12, 13, 30)) == 0


def test_holiday_is_skipped():
	cal = Calendar.build("Europe/Paris", WEEKDAYS_9_17, holidays=[dt.date(2026, 1, 12)])
	friday = paris(2026, 1, 9, 16)
	assert add_business_seconds(cal, friday, 2 * H) == paris(2026, 1, 13, 10)
	assert business_seconds_between(cal, friday, paris(2026, 1, 13, 10)) == 2 * H
	assert business_seconds_between(cal, *whole_day(PARIS, dt.date(2026, 1, 12))) == 0


def test_deadline_exactly_at_the_end_of_an_interval():
	monday = paris(2026, 1, 12, 9)
	assert add_business_seconds(OFFICE, monday, 8 * H) == paris(2026, 1, 12, 17)
	assert add_business_seconds(OFFICE, monday, 8 * H + 1) == paris(2026, 1, 13, 9, 0, 1)
	assert add_business_seconds(OFFICE, monday, 5 * 8 * H) == paris(2026, 1, 16, 17)  # a whole week: Friday


def test_start_outside_working_hours():
	assert add_business_seconds(OFFICE, paris(2026, 1, 10, 10), H) == paris(2026, 1, 12, 10)  # Saturday
	assert add_business_seconds(OFFICE, paris(2026, 1, 12, 7), H) == paris(2026, 1, 12, 10)  # before opening
	assert add_business_seconds(OFFICE, paris(2026, 1, 12, 18), H) == paris(2026, 1, 13, 10)  # after closing
	assert business_seconds_between(OFFICE, paris(2026, 1, 10, 8), paris(2026, 1, 12, 9)) == 0


def test_zero_seconds_returns_the_start_unchanged():
	saturday = paris(2026, 1, 10, 10, 7, 3, 12)
	assert add_business_seconds(OFFICE, saturday, 0) is saturday


def test_split_shifts():
	cal = Calendar.build(
		"Europe/Paris", [(d, i, j) for d in range(7) for i, j in (("06:00", "10:00"), ("18:00", "22:00"))]
	)
	assert add_business_seconds(cal, paris(2026, 1, 12, 9), 3 * H) == paris(2026, 1, 12, 20)
	assert add_business_seconds(cal, paris(2026, 1, 12, 21), 3 * H) == paris(2026, 1, 13, 8)
	assert business_seconds_between(cal, paris(2026, 1, 12, 9), paris(2026, 1, 13, 8)) == 7 * H


def test_weekday_without_intervals():
	cal = Calendar.build("Europe/Paris", [(d, "09:00", "17:00") for d in (0, 1, 3, 4)])  # Wednesday off
	assert add_business_seconds(cal, paris(2026, 1, 13, 16), 2 * H) == paris(2026, 1, 15, 10)
	assert business_seconds_between(cal, *whole_day(PARIS, dt.date(2026, 1, 14))) == 0


def test_24x7_is_real_elapsed_time_and_ignores_holidays():
	cal = Calendar.build("Europe/Paris", [], holidays=[dt.date(2026, 3, 29)], is_24x7=True)
	assert cal.intervals == ()
	start = paris(2026, 3, 28, 12)
	end = add_business_seconds(cal, start, 24 * H)
	assert end == paris(2026, 3, 29, 13)  # the night lost an hour
	assert end.tzinfo is PARIS
	assert business_seconds_between(cal, start, paris(2026, 3, 29, 12)) == 23 * H
	assert business_seconds_between(cal, paris(2026, 10, 24, 12), paris(2026, 10, 25, 12)) == 25 * H


def test_result_is_in_the_start_time_zone():
	start = utc(2026, 1, 9, 15)  # Friday 16:00 in Paris
	end = add_business_seconds(OFFICE, start, 2 * H)
	assert end.tzinfo is UTC
	assert end == utc(2026, 1, 12, 9)


def test_long_targets_over_whole_weeks():
	monday = paris(2026, 1, 5, 9)
	weeks = 40
	end = add_business_seconds(OFFICE, monday, weeks * 40 * H)
	assert end == paris(2026, 10, 9, 17)  # Friday of the 40th week, across the March change to summer time
	assert business_seconds_between(OFFICE, monday, end) == weeks * 40 * H


# -- daylight-saving days -----------------------------------------------------------------------------


def daily(tz: str, start: str, end: str) -> Calendar:
	return Calendar.build(tz, [(d, start, end) for d in range(7)])


@pytest.mark.parametrize(
	"zone, start, end, spring_hours, fall_hours",
	[
		# Paris: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET
		("Europe/Paris", "00:00", "06:00", 5, 7),  # night shift
		("Europe/Paris", "01:00", "04:00", 2, 4),
		("Europe/Paris", "01:30", "03:30", 1, 3),  # straddles the change
		("Europe/Paris", "02:00", "03:00", 0, 2),  # the hour that does not exist / the first 02:00 to 03:00
		("Europe/Paris", "01:00", "02:00", 1, 1),
		("Europe/Paris", "02:30", "05:00", 2, 3.5),  # starts inside the gap: from the jump (01:00 UTC)
		("Europe/Paris", "01:00", "02:30", 1, 1.5),  # ends inside the gap: at the jump
		("Europe/Paris", "09:00", "17:00", 8, 8),
		# New York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST
		("America/New_York", "00:00", "06:00", 5, 7),
		("America/New_York", "01:00", "04:00", 2, 4),
		("America/New_York", "01:30", "03:30", 1, 3),
		("America/New_York", "02:00", "03:00", 0, 1),
		("America/New_York", "01:00", "02:00", 1, 2),  # 01:00 EDT to 02:00 EST
		("America/New_York", "02:30", "05:00", 2, 2.5),
		("America/New_York", "01:00", "02:30", 1, 2.5),
	],
)
def test_working_time_on_daylight_saving_days(zone, start, end, spring_hours, fall_hours):
	cal = daily(zone, start, end)
	tz = ZoneInfo(zone)
	spring, fall = (
		(dt.date(2026, 3, 29), dt.date(2026, 10, 25))
		if zone == "Europe/Paris"
		else (dt.date(2026, 3, 8), dt.date(2026, 11, 1))
	)
	assert business_seconds_between(cal, *whole_day(tz, spring)) == spring_hours * H
	assert business_seconds_between(cal, *whole_day(tz, fall)) == fall_hours * H
	ordinary = spring - dt.timedelta(days=7)
	assert business_seconds_between(cal, *whole_day(tz, ordinary)) == week_seconds(cal) / 7
	# adding a day's worth from midnight ends at the end of the day's interval (the jump if in the gap)
	for day, hours in ((spring, spring_hours), (fall, fall_hours)):
		if hours:
			end = add_business_seconds(cal, whole_day(tz, day)[0], hours * H)
			assert same_instant(end, reference_localize(tz, day, cal.intervals[0][2]))


def test_night_shift_add_across_spring_forward_in_paris():
	cal = daily("Europe/Paris", "00:00", "06:00")
	midnight = paris(2026, 3, 29)  # 2026-03-28 23:00 UTC
	assert same_instant(
		add_business_seconds(cal, midnight, 2 * H), utc(2026, 3, 29, 1)
	)  # the jump: 03:00 CEST
	assert add_business_seconds(cal, midnight, 2 * H) == paris(2026, 3, 29, 3)
	assert add_business_seconds(cal, midnight, 5 * H) == paris(2026, 3, 29, 6)  # end of a 5 h shift
	assert add_business_seconds(cal, midnight, 5 * H + 60) == paris(2026, 3, 30, 0, 1)


def test_night_shift_add_across_fall_back_in_new_york():
	cal = daily("America/New_York", "00:00", "06:00")
	midnight = new_york(2026, 11, 1)  # 04:00 UTC
	second_one_am = add_business_seconds(cal, midnight, 2 * H)
	assert same_instant(second_one_am, utc(2026, 11, 1, 6))  # 01:00 EST, the second 01:00
	assert second_one_am.fold == 1
	assert second_one_am.utcoffset() == dt.timedelta(hours=-5)
	assert same_instant(add_business_seconds(cal, midnight, 7 * H), new_york(2026, 11, 1, 6))
	assert add_business_seconds(cal, midnight, 7 * H + 60) == new_york(2026, 11, 2, 0, 1)


def test_interval_straddling_the_change_in_new_york_spring():
	cal = daily("America/New_York", "01:30", "03:30")
	start = new_york(2026, 3, 8, 1, 30)  # 06:30 UTC
	assert same_instant(add_business_seconds(cal, start, 30 * 60), utc(2026, 3, 8, 7))  # 03:00 EDT, the jump
	assert add_business_seconds(cal, start, H) == new_york(2026, 3, 8, 3, 30)
	assert add_business_seconds(cal, start, H + 1) == new_york(2026, 3, 9, 1, 30, 1)
	# a start inside the gap is an ordinary instant (fold=0: 02:30 EST = 07:30 UTC = 03:30 EDT)
	assert business_seconds_between(cal, new_york(2026, 3, 8, 2, 30), new_york(2026, 3, 8, 5)) == 0


def test_business_hours_across_a_daylight_saving_weekend():
	friday = paris(2026, 3, 27, 16)
	assert add_business_seconds(OFFICE, friday, 2 * H) == paris(2026, 3, 30, 10)
	assert business_seconds_between(OFFICE, friday, paris(2026, 3, 30, 10)) == 2 * H
	friday = new_york(2026, 10, 30, 16)
	cal = Calendar.build("America/New_York", WEEKDAYS_9_17)
	assert add_business_seconds(cal, friday, 2 * H) == new_york(2026, 11, 2, 10)
	assert business_seconds_between(cal, friday, new_york(2026, 11, 2, 10)) == 2 * H


def test_fall_back_ambiguous_start_in_paris():
	cal = daily("Europe/Paris", "01:00", "04:00")
	first = dt.datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=0)  # 00:30 UTC
	second = dt.datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1)  # 01:30 UTC
	end = paris(2026, 10, 25, 4)  # 03:00 UTC
	assert business_seconds_between(cal, first, end) == 2.5 * H
	assert business_seconds_between(cal, second, end) == 1.5 * H
	assert same_instant(add_business_seconds(cal, first, H), second)


# -- properties ---------------------------------------------------------------------------------------

ZONES = ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


def reference_localize(zone: ZoneInfo, day: dt.date, second: int) -> dt.datetime:
	"""An independent, slow localize: first occurrence, or the jump found by walking back minute by minute."""
	naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=second)

	def exists(wall: dt.datetime) -> bool:
		return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall

	if exists(naive):
		return naive.replace(tzinfo=zone).astimezone(UTC)
	wall = naive
	while not exists(wall):
		wall -= dt.timedelta(minutes=1)
	return wall.replace(tzinfo=zone).astimezone(UTC) + dt.timedelta(minutes=1)


def reference_spans(cal: Calendar, first: dt.date, last: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
	"""Working intervals of every local date in [first, last], walked one day at a time."""
	zone = ZoneInfo(cal.timezone)
	spans = []
	day = first
	while day <= last:
		if day not in cal.holidays:
			for weekday, s, e in sorted(cal.intervals):
				if weekday == day.weekday():
					spans.append((reference_localize(zone, day, s), reference_localize(zone, day, e)))
		day += dt.timedelta(days=1)
	return spans


def reference_between(cal: Calendar, a: dt.datetime, b: dt.datetime) -> float:
	zone = ZoneInfo(cal.timezone)
	first = a.astimezone(zone).date() - dt.timedelta(days=1)
	last = b.astimezone(zone).date() + dt.timedelta(days=1)
	total = dt.timedelta()
	# in UTC: Python compares and subtracts two datetimes of the same tzinfo by their wall clocks,
	# which is wrong across a DST change
	a, b = a.astimezone(UTC), b.astimezone(UTC)
	for s, e in reference_spans(cal, first, last):
		s, e = max(s.astimezone(UTC), a), min(e.astimezone(UTC), b)
		if e > s:
			total += e - s
	return total.total_seconds()


@st.composite
def calendars(draw, near: dt.date | None = None) -> Calendar:
	"""Random calendars: 1-3 intervals (on a quarter-hour grid) on random weekdays, random holidays."""
	tz = draw(st.sampled_from(ZONES))
	intervals = []
	for weekday in sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))):
		n = draw(st.integers(1, 3))
		points = sorted(draw(st.lists(st.integers(0, 96), min_size=2 * n, max_size=2 * n, unique=True)))
		intervals += [(weekday, points[2 * i] * 900, points[2 * i + 1] * 900) for i in range(n)]
	base = near or dt.date(2026, 1, 1)
	offsets = draw(st.sets(st.integers(-10, 500), max_size=25))
	return Calendar.build(tz, intervals, holidays=[base + dt.timedelta(days=k) for k in offsets])


def instants(zone: str) -> st.SearchStrategy[dt.datetime]:
	return st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2028, 12, 31), timezones=st.just(ZoneInfo(zone)))


@st.composite
def scenarios(draw) -> tuple[Calendar, dt.datetime]:
	start = draw(st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2028, 6, 30)))
	cal = draw(calendars(near=start.date()))
	tz = ZoneInfo(cal.timezone)
	return cal, start.replace(tzinfo=draw(st.sampled_from([tz, UTC])), fold=draw(st.integers(0, 1)))


def business_days(cal: Calendar) -> float:
	"""Seconds of an average working day of the calendar."""
	return week_seconds(cal) / len({w for w, _, _ in cal.intervals})


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios(), st.floats(0, 60))
def test_between_start_and_deadline_is_the_amount(scenario, days):
	cal, start = scenario
	amount = round(days * business_days(cal), 3)
	end = add_business_seconds(cal, start, amount)
	assert end.tzinfo is start.tzinfo
	assert business_seconds_between(cal, start, end) == pytest.approx(amount, abs=1e-6)


@PROPERTY
@given(scenarios(), st.floats(0.0001, 60))
def test_deadline_lies_in_a_working_interval_never_on_a_holiday(scenario, days):
	cal, start = scenario
	amount = days * business_days(cal)
	end = add_business_seconds(cal, start, amount)
	assert end.astimezone(UTC) > start.astimezone(UTC)
	local = end.astimezone(ZoneInfo(cal.timezone)).date()
	spans = reference_spans(cal, local - dt.timedelta(days=1), local + dt.timedelta(days=1))
	assert any(s < e and s < end <= e for s, e in spans)  # inside or at the end, never at an opening


@PROPERTY
@given(scenarios(), st.floats(0, 30), st.floats(0, 30), st.timedeltas(dt.timedelta(0), dt.timedelta(days=20)))
def test_add_is_monotonic(scenario, days1, days2, shift):
	cal, start = scenario
	n1, n2 = sorted((days1 * business_days(cal), days2 * business_days(cal)))
	assert add_business_seconds(cal, start, n1).astimezone(UTC) <= add_business_seconds(
		cal, start, n2
	).astimezone(UTC)
	later = (start.astimezone(UTC) + shift).astimezone(start.tzinfo)  # aware + timedelta is wall time
	assert add_business_seconds(cal, start, n1).astimezone(UTC) <= add_business_seconds(
		cal, later, n1
	).astimezone(UTC)


@PROPERTY
@given(calendars(), st.data())
def test_between_is_additive_and_matches_a_day_by_day_reference(cal, data):
	a, b, c = (data.draw(instants(cal.timezone)) for _ in range(3))
	assume(abs((a.astimezone(UTC) - c.astimezone(UTC)).days) < 200)
	ab, bc, ac = (business_seconds_between(cal, x, y) for x, y in ((a, b), (b, c), (a, c)))
	assert ab + bc == pytest.approx(ac, abs=1e-6)
	assert business_seconds_between(cal, c, a) == -ac
	lo, hi = sorted((a, c), key=lambda x: x.astimezone(UTC))
	assert abs(ac) == pytest.approx(reference_between(cal, lo, hi), abs=1e-6)


@PROPERTY
@given(calendars(), st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 1)), st.integers(0, 20))
def test_holidays_and_non_working_hours_never_count(cal, first, length):
	days = [first + dt.timedelta(days=k) for k in range(length + 1)]
	holiday_cal = Calendar(cal.timezone, cal.intervals, cal.holidays | frozenset(days))
	zone = ZoneInfo(cal.timezone)
	begin, _ = whole_day(zone, days[0])
	_, end = whole_day(zone, days[-1])
	assert business_seconds_between(holiday_cal, begin, end) == 0
	spans = reference_spans(cal, first, first + dt.timedelta(days=7))
	for (_, closing), (opening, _) in itertools.pairwise(spans):
		assert business_seconds_between(cal, closing, max(closing, opening)) == 0


DST_DAYS = {
	"Europe/Paris": [dt.date(2025, 3, 30), dt.date(2026, 10, 25), dt.date(2027, 3, 28)],
	"America/New_York": [dt.date(2025, 11, 2), dt.date(2026, 3, 8), dt.date(2027, 11, 7)],
	"Australia/Sydney": [dt.date(2026, 4, 5), dt.date(2026, 10, 4)],
}


@PROPERTY
@given(calendars(), st.data())
def test_around_daylight_saving_changes_against_the_reference(cal, data):
	assume(cal.timezone in DST_DAYS)
	zone = ZoneInfo(cal.timezone)
	day = data.draw(st.sampled_from(DST_DAYS[cal.timezone]))
	base = dt.datetime.combine(day, dt.time(), zone)
	a, b = (base + data.draw(st.timedeltas(-dt.timedelta(days=2), dt.timedelta(days=2))) for _ in range(2))
	a, b = sorted((a, b), key=lambda x: x.astimezone(UTC))
	between = business_seconds_between(cal, a, b)
	assert between == pytest.approx(reference_between(cal, a, b), abs=1e-6)
	if between > 0:
		end = add_business_seconds(cal, a, between)
		assert end.astimezone(UTC) <= b.astimezone(UTC)
		assert business_seconds_between(cal, end, b) == 0


# -- flatness: the work done does not grow with the target --------------------------------------------

FIXED_HOLIDAYS = [
	(1, 1),
	(2, 14),
	(4, 6),
	(5, 1),
	(5, 8),
	(5, 14),
	(7, 14),
	(8, 15),
	(9, 21),
	(11, 1),
	(11, 11),
	(12, 25),
]
HOLIDAY_CAL = Calendar.build(
	"Europe/Paris",
	WEEKDAYS_9_17,
	holidays=[dt.date(y, m, d) for y in range(2025, 2045) for m, d in FIXED_HOLIDAYS],
)


def dirty_dates_crossed(cal: Calendar, a: dt.datetime, b: dt.datetime) -> int:
	"""Holidays and daylight-saving change dates between two instants."""
	zone = ZoneInfo(cal.timezone)
	first, last = a.astimezone(zone).date(), b.astimezone(zone).date()
	holidays = sum(1 for h in cal.holidays if first <= h <= last)
	changes = 0
	day = first
	while day <= last:
		begin, end = whole_day(zone, day)
		changes += begin.utcoffset() != end.utcoffset()
		day += dt.timedelta(days=1)
	return holidays + changes


@pytest.mark.parametrize("days", [3, 300, 3000])
def test_day_steps_are_bounded_by_dirty_dates_not_by_the_target(days):
	start = paris(2026, 1, 5, 9)
	stats: dict[str, int] = {}
	end = add_business_seconds(HOLIDAY_CAL, start, days * 8 * H, stats=stats)
	crossed = dirty_dates_crossed(HOLIDAY_CAL, start, end)
	assert stats["day_steps"] <= 7 + 7 * crossed + 14
	if days >= 300:
		assert stats["day_steps"] < (end - start).days / 2  # far fewer than the days spanned
	stats = {}
	assert business_seconds_between(HOLIDAY_CAL, start, end, stats=stats) == days * 8 * H
	assert stats["day_steps"] <= 7 + 7 * crossed + 14


def test_day_steps_do_not_grow_without_dirty_dates():
	cal = Calendar.build("UTC", WEEKDAYS_9_17)
	start = utc(2026, 1, 5, 9)
	counts = []
	for days in (3, 300, 30000):
		stats: dict[str, int] = {}
		end = add_business_seconds(cal, start, days * 8 * H, stats=stats)
		assert business_seconds_between(cal, start, end) == days * 8 * H
		counts.append(stats["day_steps"])
	assert max(counts) <= 14


# -- the cumulative index against the walk (issue 11) ---------------------------------------------


def walk_add(cal: Calendar, start: dt.datetime, seconds: float) -> dt.datetime:
	p = _prepare(cal)
	return _from_us(_add_us(p, _to_us(start), round(seconds * 1_000_000), None), start.tzinfo)


def walk_between(cal: Calendar, a: dt.datetime, b: dt.datetime) -> float:
	return _between_us(_prepare(cal), _to_us(a), _to_us(b), None) / 1_000_000


@PROPERTY
@given(calendars(), st.data())
def test_the_index_and_the_walk_agree(cal, data):
	"""Random calendars (DST zones, holidays, several intervals a day), random starts and amounts up to
	two years of business time: the indexed answers are the walk's, to the microsecond."""
	zone = cal.timezone
	a = data.draw(instants(zone))
	b = data.draw(instants(zone))
	assert business_seconds_between(cal, a, b) == (
		walk_between(cal, a, b) if b >= a else -walk_between(cal, b, a)
	)
	seconds = data.draw(st.floats(0, 2 * 52 * week_seconds(cal)))
	stats: dict[str, int] = {}
	got = add_business_seconds(cal, a, seconds, stats=stats)
	assert stats.get("walks", 0) == 0  # answered by the index
	assert got == walk_add(cal, a, seconds) or seconds == 0


def test_the_cost_is_one_day_whatever_the_length_and_the_dirty_dates():
	start = paris(2026, 1, 5, 9)
	for days in (1, 30, 300, 3000):
		stats: dict[str, int] = {}
		end = add_business_seconds(HOLIDAY_CAL, start, days * 8 * H, stats=stats)
		assert (stats["day_steps"], stats["week_skips"], stats["walks"]) == (1, 0, 0)
		assert end == walk_add(HOLIDAY_CAL, start, days * 8 * H)


def test_beyond_the_indexed_horizon_the_walk_takes_over():
	"""One hour a week: 300 years of business hours lie beyond MAX_INDEX_YEARS; still exact."""
	cal = Calendar.build("Europe/Paris", [("Monday", "09:00", "10:00")], holidays=[dt.date(2026, 1, 12)])
	start = paris(2026, 1, 5, 9)
	target = MAX_INDEX_YEARS * 53 * H  # more hours than Mondays in the horizon
	stats: dict[str, int] = {}
	end = add_business_seconds(cal, start, target, stats=stats)
	assert stats["walks"] == 1
	assert end == walk_add(cal, start, target)
	assert business_seconds_between(cal, start, end) == target


@PROPERTY
@given(calendars(), st.data())
def test_the_hot_path_gives_the_general_answer(cal, data):
	"""A start in the calendar's own zone, without stats, is answered by the index's wall-clock path
	(no UTC datetimes on the way): the same instant, offset and wall time as the walk, integer or
	float amounts, every start (days with an offset change fall back to the general path)."""
	start = data.draw(instants(cal.timezone))
	seconds = data.draw(
		st.one_of(
			st.integers(1, 2 * 52 * int(week_seconds(cal))), st.floats(1e-6, 2 * 52 * week_seconds(cal))
		)
	)
	add_business_seconds(cal, start, 1, stats={})  # prepares and indexes the calendar around start
	got = add_business_seconds(cal, start, seconds)
	want = walk_add(cal, start, seconds)
	assert (got.astimezone(UTC), got.utcoffset(), got.replace(tzinfo=None), got.tzinfo) == (
		want.astimezone(UTC),
		want.utcoffset(),
		want.replace(tzinfo=None),
		want.tzinfo,
	)


def test_the_hot_path_answers_a_plain_local_start():
	"""Not dead code: a Tuesday-morning start in the calendar's zone is answered by the wall-clock path,
	a start given in UTC (the same instant) by the general one, with the same deadline."""
	start = paris(2026, 3, 3, 10, 30)
	first = add_business_seconds(HOLIDAY_CAL, start, 30 * 8 * H)
	assert HOLIDAY_CAL._index.add_local(start, 4 * H * 1_000_000) == paris(2026, 3, 3, 14, 30)
	assert same_instant(first, add_business_seconds(HOLIDAY_CAL, start.astimezone(UTC), 30 * 8 * H))
	assert first == walk_add(HOLIDAY_CAL, start, 30 * 8 * H)
	assert HOLIDAY_CAL._index.add_local(paris(2026, 3, 29, 10), 1) is None  # spring forward in Paris
