"""Business time on a service calendar, exact across daylight-saving changes.

Business time is real elapsed time (seconds of UTC) inside working intervals. A working interval on the
local date d is ``[localize(d, start), localize(d, end)]``, where ``localize`` takes the first occurrence
of an ambiguous wall time (fall back) and maps a wall time that does not exist (spring forward gap) to
the instant the clock jumps. A holiday has no working time; a 24 x 7 calendar counts every second.

The cost of a computation does not grow with the length of the target, nor with the holidays and
daylight-saving changes it crosses: each calendar keeps a cumulative index (business time at the start
of each local day, built by whole years on demand and cached with the prepared calendar, so a changed
calendar, holiday list or time zone is a new index), and adding or counting business time is a binary
search plus one day's intervals. Beyond the indexed horizon (``MAX_INDEX_YEARS`` around the first year
asked), the walk takes over: whole weeks free of holidays and daylight-saving changes ("dirty" dates)
are skipped at once, and only the partial first day, the weeks around dirty dates and the last week are
walked day by day.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from itil_crm.engines.service_calendar import WEEKDAYS, CalendarError, check_timezone, validate_intervals

DAY = 86400
WEEK = 7 * DAY
MAX_INDEX_YEARS = 200  # days indexed per calendar at most: beyond, the walk takes over
US = 1_000_000  # microseconds in a second: instants and amounts are integer microseconds inside
_UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_ONE_US = dt.timedelta(microseconds=1)
_DATETIME = dt.datetime  # the exact type the hot path accepts (subclasses go the long way)
_FAST_MAX = 1e12  # seconds: larger amounts go the long way (and its checks)
_FROM_TIMESTAMP = dt.datetime.fromtimestamp
_TIME_TEXT = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.0+)?)?\s*$")


@dataclass(frozen=True)
class Calendar:
	"""Working intervals ``(weekday 0=Monday..6, start second, end second)`` in local wall time."""

	timezone: str
	intervals: tuple[tuple[int, int, int], ...] = ()
	holidays: frozenset[dt.date] = frozenset()
	is_24x7: bool = False
	_index = None  # not a field: the prepared calendar's index, once computed (see _prepare)

	def __post_init__(self) -> None:
		check_timezone(self.timezone)
		object.__setattr__(self, "intervals", tuple(tuple(i) for i in self.intervals))
		object.__setattr__(self, "holidays", frozenset(self.holidays))
		for day in self.holidays:
			if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
				raise CalendarError(f"Holiday {day!r} is not a date.")
		if self.is_24x7:
			return
		named = []
		for interval in self.intervals:
			if len(interval) != 3 or not all(
				isinstance(v, int) and not isinstance(v, bool) for v in interval
			):
				raise CalendarError(
					f"Working interval {interval!r} is not (weekday, start second, end second)."
				)
			weekday, start, end = interval
			if not 0 <= weekday <= 6:
				raise CalendarError(
					f"Working interval {interval!r}: weekday must be 0 (Monday) to 6 (Sunday)."
				)
			if not (0 <= start <= DAY and 0 <= end <= DAY):
				raise CalendarError(f"Working interval {interval!r}: times must be between 00:00 and 24:00.")
			named.append((WEEKDAYS[weekday], _clock_text(start), _clock_text(end)))
		validate_intervals(named)

	@classmethod
	def build(
		cls,
		timezone: str,
		intervals: Iterable[tuple[str | int, object, object]],
		holidays: Iterable[dt.date | dt.datetime | str] = (),
		is_24x7: bool = False,
	) -> Calendar:
		"""A calendar from weekday names or numbers and times as ``time``, "HH:MM[:SS]", timedelta or seconds.

		Raise :class:`CalendarError` for an unknown time zone, weekday or time, inverted or overlapping
		intervals and a week without working time. The intervals of a 24 x 7 calendar are ignored.
		"""
		check_timezone(timezone)
		days = frozenset(_as_date(h) for h in holidays)
		if is_24x7:
			return cls(timezone, (), days, True)
		named, clean = [], []
		for interval in intervals:
			if len(interval) != 3:
				raise CalendarError(f"Working interval {interval!r} is not (weekday, start, end).")
			weekday, start, end = interval
			label = f"{weekday} {start}-{end}"
			named_day = _weekday_name(weekday)
			s, e = _as_seconds(start, label), _as_seconds(end, label)
			named.append((named_day, _clock_text(s), _clock_text(e)))
			if named_day in WEEKDAYS:
				clean.append((WEEKDAYS.index(named_day), s, e))
		validate_intervals(named)
		return cls(timezone, tuple(sorted(clean)), days, False)


def week_seconds(cal: Calendar) -> float:
	"""Working seconds of an ordinary week (no holiday, no daylight-saving change)."""
	if cal.is_24x7:
		return float(WEEK)
	return _prepare(cal).week_us / US


def add_business_seconds(
	cal: Calendar, start: dt.datetime, seconds: float, stats: dict[str, int] | None = None
) -> dt.datetime:
	"""The instant at which ``seconds`` of business time have elapsed after ``start`` (in start's tzinfo).

	An amount used up exactly at the end of an interval gives that end. ``stats`` (optional) counts the
	days walked one by one (``day_steps``) and the jumps over whole weeks (``week_skips``).
	"""
	index = cal._index
	if index is not None and start.tzinfo is index.zone and start.__class__ is _DATETIME and stats is None:
		# the hot path: a plain local time on an indexed day (the same answer as below, sooner)
		kind = seconds.__class__
		if kind is int and 0 < seconds < _FAST_MAX:
			found = index.add_local(start, seconds * US)
		elif kind is float and 0 < seconds < _FAST_MAX:
			found = index.add_local(start, round(seconds * US))
		else:
			found = None
		if found is not None:
			return found
	_check_aware(start, "start")
	if not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds < 0:
		raise ValueError(f"Business seconds must be a finite number >= 0, got {seconds!r}.")
	if seconds == 0:
		return start
	amount = round(seconds * US)
	if cal.is_24x7:
		return _from_us(_to_us(start) + amount, start.tzinfo)
	p = _prepare(cal)
	pos = _to_us(start)
	found = p.index.add(pos, amount)
	if found is None:  # beyond the indexed horizon
		_count(stats, 0, 0, fallback=1)
		return _from_us(_add_us(p, pos, amount, stats), start.tzinfo)
	_count(stats, 1, 0)
	return _from_us(found, start.tzinfo)


def business_seconds_between(
	cal: Calendar, a: dt.datetime, b: dt.datetime, stats: dict[str, int] | None = None
) -> float:
	"""Business seconds in ``[a, b)``; negative (minus those in ``[b, a)``) when b is before a."""
	_check_aware(a, "a")
	_check_aware(b, "b")
	ua, ub = _to_us(a), _to_us(b)
	if ub < ua:
		return -business_seconds_between(cal, b, a, stats)
	if cal.is_24x7:
		return (ub - ua) / US
	p = _prepare(cal)
	found = p.index.between(ua, ub)
	if found is None:  # beyond the indexed horizon
		_count(stats, 0, 0, fallback=1)
		return _between_us(p, ua, ub, stats) / US
	_count(stats, 2, 0)
	return found / US


# -- internals -----------------------------------------------------------------------------------------


class _Prepared:
	"""A validated calendar ready for computation."""

	__slots__ = ("by_weekday", "holiday_list", "holidays", "index", "tz", "week_us", "zone")

	def __init__(self, cal: Calendar) -> None:
		self.tz = cal.timezone
		self.zone = ZoneInfo(cal.timezone)
		days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
		for weekday, start, end in cal.intervals:
			days[weekday].append((start, end))
		self.by_weekday = tuple(tuple(sorted(d)) for d in days)
		self.week_us = sum(e - s for d in days for s, e in d) * US
		if self.week_us <= 0:
			raise CalendarError(
				"This calendar has no working time: add working intervals or tick 24 x 7, "
				"otherwise no deadline could ever be reached."
			)
		self.holidays = cal.holidays
		self.holiday_list = tuple(sorted(cal.holidays))
		self.index = _Index(self)


class _Index:
	"""Business time at the start of each local day of a range of days, grown by whole years.

	``starts[i]`` is the UTC instant (µs) at which local day ``first + i`` begins (its 00:00, first
	occurrence) and ``cum[i]`` the business µs from ``starts[0]`` to ``starts[i]``; both have one entry
	more than the days covered. ``spans[i]`` are the day's working intervals (UTC µs) and ``walls[i]``
	its start again when the day has no offset change (a wall time on it is then its start plus the
	time of day), None otherwise. A day's intervals lie between its start and the next day's, so the
	business time up to an instant is the cumulative value of its day plus that day's intervals before
	it. The state is replaced whole (readers never see a half-grown index).
	"""

	__slots__ = ("_lock", "_state", "origin", "origin_ordinal", "p", "zone")

	def __init__(self, p: _Prepared) -> None:
		self.p = p
		self.zone = p.zone
		self.origin = dt.datetime(2000, 1, 1, tzinfo=p.zone)  # local midnight, to read wall times
		self.origin_ordinal = self.origin.toordinal()
		self._state: tuple | None = None
		self._lock = threading.Lock()

	def between(self, ua: int, ub: int) -> int | None:
		if not self._cover(ua, ub):
			return None
		return self._upto(ub) - self._upto(ua)

	def add(self, pos: int, amount: int) -> int | None:
		"""The walk's answer: the day of ``pos`` is walked from ``pos``; what remains after it is found
		by a binary search on the cumulative values, then that day's intervals."""
		if not self._cover(pos, pos):
			return None
		_first, starts, cum, spans, _walls = self._state
		i = bisect_right(starts, pos) - 1
		found, remaining = _take(spans[i], pos, amount)
		if found is not None:
			return found
		target = cum[i + 1] + remaining
		while True:
			_first, starts, cum, spans, _walls = self._state  # growing backwards never happens here
			# the first day after pos's with business time up to the target (used up exactly at a
			# day's end: that day; nothing left: the first day with any business time)
			j = bisect_right(cum, target, i + 1) if remaining == 0 else bisect_left(cum, target, i + 2)
			if j < len(cum):
				break
			if not self._grow(forward=True):
				return None
		found, _left = _take(spans[j - 1], _NO_FLOOR, target - cum[j - 1])
		if found is None:  # pragma: no cover
			raise AssertionError("business time index out of step")
		return found

	def add_local(self, start: dt.datetime, amount: int) -> dt.datetime | None:
		"""``add`` for a datetime in the calendar's zone on an indexed day without an offset change,
		answered as a datetime in that zone; None when the general path must answer (the same
		arithmetic, written out: no conversion through UTC datetimes)."""
		state = self._state
		if state is None:
			return None
		first, _starts, cum, spans, walls = state
		wall = start - self.origin  # same tzinfo: wall-clock arithmetic, no offset looked up
		i = wall.days + self.origin_ordinal - first
		if not 0 <= i < len(spans):
			return None
		base = walls[i]
		if base is None:
			return None
		pos = base + wall.seconds * US + wall.microseconds
		remaining = amount
		for s, e in spans[i]:
			if s < pos:
				s = pos
			if e > s:
				if remaining <= e - s:
					found = s + remaining
					break
				remaining -= e - s
		else:
			found = None
		if found is None:
			target = cum[i + 1] + remaining
			j = bisect_right(cum, target, i + 1) if remaining == 0 else bisect_left(cum, target, i + 2)
			if j >= len(cum):
				return None
			remaining = target - cum[j - 1]
			for s, e in spans[j - 1]:
				if remaining <= e - s:
					found = s + remaining
					break
				remaining -= e - s
			else:  # pragma: no cover
				raise AssertionError("business time index out of step")
		seconds, micro = divmod(found, US)
		moment = _FROM_TIMESTAMP(seconds, self.zone)
		return moment.replace(microsecond=micro) if micro else moment

	def _upto(self, x: int) -> int:
		_first, starts, cum, spans, _walls = self._state
		i = bisect_right(starts, x) - 1
		total = cum[i]
		for s, e in spans[i]:
			if x > s:
				total += min(x, e) - s
		return total

	def _cover(self, ua: int, ub: int) -> bool:
		"""Index the days of [ua, ub] (and their neighbours); False beyond the horizon."""
		if self._state is None:
			with self._lock:
				if self._state is None:
					year = _from_us(ua, self.p.zone).year
					built = self._build(max(year - 1, 1), min(year + 1, 9998))
					if built is None:
						return False
					self._state = built
		while self._state[1][0] > ua:
			if not self._grow(forward=False):
				return False
		while self._state[1][-1] <= ub:
			if not self._grow(forward=True):
				return False
		return True

	def _grow(self, forward: bool) -> bool:
		with self._lock:
			first, starts, *_rest = state = self._state
			first_year = dt.date.fromordinal(first).year
			last_year = dt.date.fromordinal(first + len(starts) - 2).year
			if last_year - first_year + 1 >= MAX_INDEX_YEARS:
				return False
			if (forward and last_year >= 9998) or (not forward and first_year <= 2):
				return False
			year = last_year + 1 if forward else first_year - 1
			more = self._build(year, year)
			if more is None:
				return False
			self._state = _joined(state, more) if forward else _joined(more, state)
			return True

	def _build(self, first_year: int, last_year: int):
		p = self.p
		first = dt.date(first_year, 1, 1).toordinal()
		end = dt.date(last_year + 1, 1, 1).toordinal()
		starts, cum, spans, walls, total = [], [0], [], [], 0
		try:
			for ordinal in range(first, end + 1):
				starts.append(_day_start(p, ordinal))
				if ordinal < end:
					day = dt.date.fromordinal(ordinal)
					found = tuple(_day_spans(p, day))
					spans.append(found)
					walls.append(None if day in _transition_date_set(p.tz, day.year) else starts[-1])
					total += sum(e - s for s, e in found)
					cum.append(total)
		except (OverflowError, ValueError):
			return None
		return first, tuple(starts), tuple(cum), tuple(spans), tuple(walls)


def _joined(earlier: tuple, later: tuple) -> tuple:
	"""Two index states of consecutive days as one (the later's cumulative values shifted)."""
	first, starts, cum, spans, walls = earlier
	_first, more_starts, more_cum, more_spans, more_walls = later
	base = cum[-1]
	return (
		first,
		starts + more_starts[1:],
		cum + tuple(base + c for c in more_cum[1:]),
		spans + more_spans,
		walls + more_walls,
	)


def _day_start(p: _Prepared, ordinal: int) -> int:
	"""UTC microseconds of 00:00 (first occurrence) of a local date."""
	day = dt.date.fromordinal(ordinal)
	if day in _transition_date_set(p.tz, day.year):
		return _localize(p.tz, ordinal, 0)
	offset = dt.datetime(day.year, day.month, day.day, tzinfo=p.zone).utcoffset()
	return (ordinal - _EPOCH_ORDINAL) * DAY * US - offset // _ONE_US


def _prepare(cal: Calendar) -> _Prepared:
	"""The prepared calendar (and its index), kept on the calendar: equal calendars share one."""
	found = cal.__dict__.get("_prepared")
	if found is None:
		found = _shared_prepared(cal)
		object.__setattr__(cal, "_prepared", found)
		object.__setattr__(cal, "_index", found.index)
	return found


@lru_cache(maxsize=256)
def _shared_prepared(cal: Calendar) -> _Prepared:
	return _Prepared(cal)


_NO_FLOOR = -(1 << 63)


def _take(spans, floor: int, remaining: int) -> tuple[int | None, int]:
	"""Spend ``remaining`` in these spans from ``floor`` on: the instant it is used up (an amount used up
	exactly at the end of an interval gives that end), or None and what is left."""
	for s, e in spans:
		s = max(s, floor)
		available = e - s
		if available > 0:
			if remaining <= available:
				return s + remaining, 0
			remaining -= available
	return None, remaining


def _add_us(p: _Prepared, pos: int, remaining: int, stats: dict[str, int] | None) -> int:
	day = _from_us(pos, p.zone).date()
	steps = skips = 0
	first = True
	blocker = None  # a dirty date less than a week ahead: no skip is possible until it is passed
	try:
		while True:
			if not first and remaining > p.week_us and (blocker is None or day > blocker):
				weeks, blocker = _clean_weeks(p, day, (remaining - 1) // p.week_us)
				if weeks:
					day += dt.timedelta(days=7 * weeks)
					remaining -= weeks * p.week_us
					skips += 1
					continue
			first = False
			steps += 1
			found, remaining = _take(_day_spans(p, day), pos, remaining)
			if found is not None:
				return found
			day += dt.timedelta(days=1)
	except OverflowError:
		raise ValueError("The business time target lies beyond the year 9999.")
	finally:
		_count(stats, steps, skips)


def _between_us(p: _Prepared, ua: int, ub: int, stats: dict[str, int] | None) -> int:
	day = _from_us(ua, p.zone).date()
	# a wall date can begin before the end of the previous one in an odd fall back at midnight: walk one more
	last = _from_us(ub, p.zone).date() + dt.timedelta(days=1)
	total = steps = skips = 0
	first = True
	blocker = None
	while day <= last:
		if not first and (blocker is None or day > blocker):
			weeks, blocker = _clean_weeks(p, day, ((last - day).days - 1) // 7)
			if weeks:
				day += dt.timedelta(days=7 * weeks)
				total += weeks * p.week_us
				skips += 1
				continue
		first = False
		steps += 1
		for s, e in _day_spans(p, day):
			s, e = max(s, ua), min(e, ub)
			if e > s:
				total += e - s
		day += dt.timedelta(days=1)
	_count(stats, steps, skips)
	return total


def _count(stats: dict[str, int] | None, steps: int, skips: int, fallback: int = 0) -> None:
	if stats is not None:
		stats["day_steps"] = stats.get("day_steps", 0) + steps
		stats["week_skips"] = stats.get("week_skips", 0) + skips
		stats["walks"] = stats.get("walks", 0) + fallback


def _clean_weeks(p: _Prepared, day: dt.date, most: int) -> tuple[int, dt.date | None]:
	"""How many whole weeks (at most ``most``) from ``day`` are free of holidays and offset changes.

	Also gives the first dirty date within reach, which lies less than a week after the skipped weeks.
	"""
	if most <= 0:
		return 0, None
	try:
		limit = day + dt.timedelta(days=7 * most)
	except OverflowError:
		limit = dt.date.max
	dirty = _next_dirty(p, day, limit)
	if dirty is None:
		return most, None
	return min(most, (dirty - day).days // 7), dirty


def _next_dirty(p: _Prepared, day: dt.date, limit: dt.date) -> dt.date | None:
	"""The first holiday or offset-change date in ``[day, limit)``, or None."""
	found = None
	i = bisect_left(p.holiday_list, day)
	if i < len(p.holiday_list) and p.holiday_list[i] < limit:
		found = p.holiday_list[i]
	last_year = (found or limit).year
	for year in range(day.year, last_year + 1):
		dates = _transition_dates(p.tz, year)
		j = bisect_left(dates, day)
		if j < len(dates):
			if dates[j] < limit and (found is None or dates[j] < found):
				found = dates[j]
			break
	return found


def _day_spans(p: _Prepared, day: dt.date) -> list[tuple[int, int]]:
	"""The working intervals of a local date as UTC microsecond spans."""
	if day in p.holidays:
		return []
	intervals = p.by_weekday[day.weekday()]
	if not intervals:
		return []
	ordinal = day.toordinal()
	if day in _transition_date_set(p.tz, day.year):
		return [(_localize(p.tz, ordinal, s), _localize(p.tz, ordinal, e)) for s, e in intervals]
	offset = dt.datetime(day.year, day.month, day.day, tzinfo=p.zone).utcoffset()
	midnight = (ordinal - _EPOCH_ORDINAL) * DAY * US - offset // _ONE_US
	return [(midnight + s * US, midnight + e * US) for s, e in intervals]


@lru_cache(maxsize=4096)
def _localize(tz: str, ordinal: int, second: int) -> int:
	"""UTC microseconds of a local wall time: first occurrence if ambiguous, the jump if in a gap."""
	zone = ZoneInfo(tz)
	naive = dt.datetime(1970, 1, 1) + dt.timedelta(days=ordinal - _EPOCH_ORDINAL, seconds=second)
	early = naive.replace(tzinfo=zone)  # fold=0: first occurrence, or the offset before a gap
	u0 = _to_us(early)
	if _from_us(u0, zone).replace(tzinfo=None) == naive:
		return u0
	# in a gap: fold=1 uses the offset after the jump and gives an instant before it
	lo, hi = _to_us(naive.replace(tzinfo=zone, fold=1)) // US, u0 // US
	before = _offset(zone, lo)
	while hi - lo > 1:  # invariant: offset(lo) == before != offset(hi)
		mid = (lo + hi) // 2
		if _offset(zone, mid) == before:
			lo = mid
		else:
			hi = mid
	return hi * US


def _offset(zone: ZoneInfo, second: int) -> int:
	return int((_EPOCH + dt.timedelta(seconds=second)).astimezone(zone).utcoffset().total_seconds())


@lru_cache(maxsize=1024)
def _utc_transitions(tz: str, year: int) -> tuple[tuple[int, int, int], ...]:
	"""``(instant, offset before, offset after)`` in seconds for each offset change in the UTC year ± 2 days.

	The offset is sampled daily and each change is bisected to the second.
	"""
	zone = ZoneInfo(tz)
	first = dt.datetime(max(year, 2), 1, 1, tzinfo=_UTC) - dt.timedelta(days=2)
	start = int((first - _EPOCH).total_seconds())
	days = 370 if year < 9999 else 363
	found = []
	previous = _offset(zone, start)
	for k in range(1, days):
		t = start + k * DAY
		current = _offset(zone, t)
		if current != previous:
			lo, hi = t - DAY, t
			while hi - lo > 1:
				mid = (lo + hi) // 2
				if _offset(zone, mid) == previous:
					lo = mid
				else:
					hi = mid
			found.append((hi, previous, current))
			previous = current
	return tuple(found)


@lru_cache(maxsize=1024)
def _transition_dates(tz: str, year: int) -> tuple[dt.date, ...]:
	"""Sorted local dates of ``year`` on which the UTC offset changes (wall date before and after the jump)."""
	dates = set()
	for instant, before, after in _utc_transitions(tz, year):
		for offset in (before, after):
			day = (dt.datetime(1970, 1, 1) + dt.timedelta(seconds=instant + offset)).date()
			if day.year == year:
				dates.add(day)
	return tuple(sorted(dates))


@lru_cache(maxsize=1024)
def _transition_date_set(tz: str, year: int) -> frozenset[dt.date]:
	return frozenset(_transition_dates(tz, year))


def _to_us(moment: dt.datetime) -> int:
	return (moment - _EPOCH) // _ONE_US


def _from_us(us: int, tzinfo: dt.tzinfo | None) -> dt.datetime:
	return (_EPOCH + dt.timedelta(microseconds=us)).astimezone(tzinfo)


def _check_aware(moment: dt.datetime, name: str) -> None:
	if not isinstance(moment, dt.datetime):
		raise ValueError(f"{name} must be a datetime, got {moment!r}.")
	if moment.tzinfo is None or moment.utcoffset() is None:
		raise ValueError(f"{name} must be timezone-aware, got the naive datetime {moment.isoformat()}.")


def _clock_text(second: int) -> str:
	return f"{second // 3600:02d}:{second % 3600 // 60:02d}:{second % 60:02d}"


def _weekday_name(value: str | int) -> str:
	if isinstance(value, int) and not isinstance(value, bool):
		return WEEKDAYS[value] if 0 <= value <= 6 else str(value)
	text = str(value).strip()
	for name in WEEKDAYS:
		if name.lower() == text.lower():
			return name
	return text


def _as_seconds(value: object, label: str) -> int:
	"""Seconds after midnight (0..86400) of a ``time``, "HH:MM[:SS]", timedelta or number of seconds."""
	if isinstance(value, dt.time):
		if value == dt.time.max:
			return DAY
		seconds = value.hour * 3600 + value.minute * 60 + value.second
	elif isinstance(value, dt.timedelta):
		seconds = value.total_seconds()
	elif isinstance(value, (int, float)) and not isinstance(value, bool):
		seconds = value
	elif isinstance(value, str) and (match := _TIME_TEXT.match(value)):
		hours, minutes, secs = (int(g or 0) for g in match.groups())
		if minutes > 59 or secs > 59:
			raise CalendarError(f"Working interval {label}: {value!r} is not a time of day.")
		seconds = hours * 3600 + minutes * 60 + secs
	else:
		raise CalendarError(f"Working interval {label}: {value!r} is not a time (use HH:MM or HH:MM:SS).")
	if seconds != int(seconds) or not 0 <= seconds <= DAY:
		raise CalendarError(
			f"Working interval {label}: {value!r} must be whole seconds between 00:00 and 24:00."
		)
	return int(seconds)


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
	if isinstance(value, dt.datetime):
		return value.date()
	if isinstance(value, dt.date):
		return value
	try:
		return dt.date.fromisoformat(str(value).strip())
	except ValueError:
		raise CalendarError(f"Holiday {value!r} is not a date (use YYYY-MM-DD).")
