"""Service review periods: whole calendar months, the period just before one, the month a monthly job
reviews, and the first working day of a month (the day that job runs).

A period is ``[start, end)``: ``start`` a 1st of month, ``end`` the 1st of the month after its last
month. A review form shows its last day (``end - 1 day``), which is what people write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

ONE_DAY = dt.timedelta(days=1)

# what is wrong with a period, for the Frappe layer to say in the reader's language
START_NOT_FIRST = "start_not_first"
END_NOT_LAST = "end_not_last"
END_BEFORE_START = "end_before_start"


def add_months(first: dt.date, months: int) -> dt.date:
	"""The 1st of the month ``months`` after (or before, negative) the month of ``first``."""
	index = first.year * 12 + first.month - 1 + months
	return dt.date(index // 12, index % 12 + 1, 1)


def month_start(day: dt.date) -> dt.date:
	return day.replace(day=1)


def last_day(day: dt.date) -> dt.date:
	"""The last day of the month of ``day``."""
	return add_months(month_start(day), 1) - ONE_DAY


def period_problem(start: dt.date, last: dt.date) -> str | None:
	"""None for whole months from ``start`` to ``last`` (both included), else what is wrong."""
	if last < start:
		return END_BEFORE_START
	if start.day != 1:
		return START_NOT_FIRST
	if last != last_day(last):
		return END_NOT_LAST
	return None


def months_in(start: dt.date, end: dt.date) -> int:
	"""Whole months of the period ``[start, end)``."""
	return (end.year - start.year) * 12 + end.month - start.month


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
	"""The period of as many months just before ``[start, end)``."""
	return add_months(start, -months_in(start, end)), start


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
	"""The month before the month of ``today``, as a period."""
	first = month_start(today)
	return add_months(first, -1), first


def first_working_day(month: dt.date, works: Callable[[dt.date], bool]) -> dt.date | None:
	"""The first day of the month of ``month`` on which ``works(day)`` holds; None if the calendar has no
	working day that month (every day a holiday)."""
	day, end = month_start(month), add_months(month_start(month), 1)
	while day < end:
		if works(day):
			return day
		day += ONE_DAY
	return None


def is_first_working_day(day: dt.date, works: Callable[[dt.date], bool]) -> bool:
	return first_working_day(day, works) == day
