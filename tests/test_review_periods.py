"""Service review periods (itil_crm/engines/review_periods.py)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.review_periods import (
	END_BEFORE_START,
	END_NOT_LAST,
	START_NOT_FIRST,
	add_months,
	first_working_day,
	is_first_working_day,
	last_day,
	last_month,
	months_in,
	period_problem,
	previous_period,
)

D = dt.date
months = st.dates(min_value=D(1900, 1, 1), max_value=D(2400, 12, 1)).map(lambda d: d.replace(day=1))


def test_whole_months_and_what_is_wrong_otherwise():
	assert period_problem(D(2026, 2, 1), D(2026, 2, 28)) is None
	assert period_problem(D(2024, 1, 1), D(2024, 3, 31)) is None
	assert period_problem(D(2024, 2, 2), D(2024, 2, 29)) == START_NOT_FIRST
	assert period_problem(D(2024, 2, 1), D(2024, 2, 28)) == END_NOT_LAST  # a leap year
	assert period_problem(D(2024, 3, 1), D(2024, 2, 29)) == END_BEFORE_START


def test_the_previous_period_has_as_many_months_just_before():
	assert previous_period(D(2026, 1, 1), D(2026, 2, 1)) == (D(2025, 12, 1), D(2026, 1, 1))
	assert previous_period(D(2026, 4, 1), D(2026, 7, 1)) == (D(2026, 1, 1), D(2026, 4, 1))
	assert last_month(D(2026, 3, 2)) == (D(2026, 2, 1), D(2026, 3, 1))
	assert last_month(D(2026, 1, 31)) == (D(2025, 12, 1), D(2026, 1, 1))


@given(months, st.integers(min_value=1, max_value=36))
def test_periods_of_whole_months(start, n):
	end = add_months(start, n)
	assert end.day == 1 and months_in(start, end) == n
	assert period_problem(start, end - dt.timedelta(days=1)) is None
	before_start, before_end = previous_period(start, end)
	assert before_end == start and months_in(before_start, before_end) == n
	assert last_day(start) + dt.timedelta(days=1) == add_months(start, 1)


def test_the_first_working_day_skips_weekends_and_holidays():
	holidays = {D(2026, 6, 1)}

	def works(day):  # Monday to Friday, not a holiday
		return day.weekday() < 5 and day not in holidays

	# 2026-08-01 is a Saturday: the first working day is Monday the 3rd
	assert first_working_day(D(2026, 8, 15), works) == D(2026, 8, 3)
	assert is_first_working_day(D(2026, 8, 3), works)
	assert not is_first_working_day(D(2026, 8, 1), works)
	assert not is_first_working_day(D(2026, 8, 4), works)
	# 2026-06-01 is a Monday, but a holiday
	assert first_working_day(D(2026, 6, 1), works) == D(2026, 6, 2)
	assert first_working_day(D(2026, 6, 1), lambda day: False) is None
