"""Validation of service calendars (working intervals per weekday, time zone)."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarError(ValueError):
	pass


def _as_time(value) -> dt.time:
	if isinstance(value, dt.time):
		return value
	if isinstance(value, dt.timedelta):  # frappe returns Time fields as timedelta from the database
		seconds = int(value.total_seconds())
		if seconds == 86400:
			return dt.time(23, 59, 59, 999999)
		return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
	text = str(value)
	parts = [int(float(p)) for p in text.split(":")]
	while len(parts) < 3:
		parts.append(0)
	if parts[0] == 24 and parts[1] == parts[2] == 0:
		return dt.time(23, 59, 59, 999999)
	return dt.time(*parts[:3])


def check_timezone(name: str | None) -> ZoneInfo:
	if not name:
		raise CalendarError("Set the calendar's time zone (an IANA name such as Europe/Paris).")
	try:
		return ZoneInfo(name)
	except (ZoneInfoNotFoundError, ValueError):
		raise CalendarError(f"Unknown time zone {name!r}: use an IANA name such as Europe/Paris or UTC.")


def validate_intervals(intervals: list[tuple[str, object, object]], is_24x7: bool = False) -> None:
	"""Raise :class:`CalendarError` for an empty week, an unknown weekday, inverted or overlapping intervals."""
	if is_24x7:
		return
	if not intervals:
		raise CalendarError(
			"This calendar has no working time: add working intervals or tick 24 x 7, "
			"otherwise no deadline could ever be reached."
		)
	by_day: dict[str, list[tuple[dt.time, dt.time]]] = {}
	errors = []
	for weekday, start, end in intervals:
		if weekday not in WEEKDAYS:
			errors.append(f"unknown weekday {weekday!r}")
			continue
		s, e = _as_time(start), _as_time(end)
		if e <= s:
			errors.append(f"{weekday} {s:%H:%M}-{e:%H:%M} ends before it starts")
			continue
		by_day.setdefault(weekday, []).append((s, e))
	for weekday, spans in by_day.items():
		spans.sort()
		for (s1, e1), (s2, e2) in itertools.pairwise(spans):
			if s2 < e1:
				errors.append(f"{weekday} {s1:%H:%M}-{e1:%H:%M} overlaps {s2:%H:%M}-{e2:%H:%M}")
	if errors:
		raise CalendarError("Working intervals are invalid: " + "; ".join(errors) + ".")
