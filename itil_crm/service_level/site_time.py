"""Frappe stores naive datetimes in the system time zone; the engines want aware ones.

``now()`` is the one clock of the service-level code; tests (and benchmarks) move it with ``frozen()``.
"""

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import get_datetime, get_system_timezone

_frozen: list[dt.datetime] = []


def system_zone() -> ZoneInfo:
	return ZoneInfo(get_system_timezone())


def aware(value) -> dt.datetime | None:
	if not value:
		return None
	if value.__class__ is dt.datetime:
		moment = value
	elif isinstance(value, str):  # as Frappe stores them: ISO text, read without a general parser
		try:
			moment = dt.datetime.fromisoformat(value)
		except ValueError:
			moment = get_datetime(value)
	else:
		moment = get_datetime(value)
	return moment if moment.tzinfo else moment.replace(tzinfo=system_zone())


def naive(value: dt.datetime | None) -> dt.datetime | None:
	if value is None:
		return None
	return value.astimezone(system_zone()).replace(tzinfo=None)


def now() -> dt.datetime:
	return _frozen[-1] if _frozen else aware(frappe.utils.now_datetime())


@contextmanager
def frozen(moment: dt.datetime):
	"""Make ``now()`` return ``moment`` (aware) inside the block."""
	if moment.tzinfo is None:
		raise ValueError("frozen() needs an aware datetime")
	_frozen.append(moment)
	try:
		yield moment
	finally:
		_frozen.pop()
