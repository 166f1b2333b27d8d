"""The SLA / OLA / UC clock of a ticket as a pure function of its event log.

Two clocks run in business time of the agreement's calendar from the "opened" event: the response clock
until the first response (or the resolution when nobody responded) and the resolution clock until
"resolved" (or "closed"), resumed by "reopened". Both are paused while the status is one of the
agreement's pause statuses. A change of priority or agreement re-targets from the original start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from itil_crm.engines.business_time import Calendar, add_business_seconds, business_seconds_between

EVENT_KINDS = ("opened", "responded", "status", "priority", "agreement", "resolved", "reopened", "closed")
ON_TRACK, WARNING, PAUSED, BREACHED, MET, MISSED = (
	"On Track",
	"Warning",
	"Paused",
	"Breached",
	"Met",
	"Missed",
)


@dataclass(frozen=True)
class Target:
	"""Response and resolution targets in business seconds (None: no target for that clock)."""

	response_seconds: float | None
	resolution_seconds: float | None

	def __post_init__(self) -> None:
		for name in ("response_seconds", "resolution_seconds"):
			value = getattr(self, name)
			if value is not None and not value >= 0:
				raise ValueError(f"Target {name} must be >= 0 business seconds, got {value!r}.")


@dataclass(frozen=True)
class Agreement:
	"""An SLA, OLA or UC: a calendar, targets per priority, pause statuses and warning thresholds (%)."""

	name: str
	calendar: Calendar
	targets: Mapping[str, Target]
	pause_statuses: frozenset[str] = frozenset({"On Hold"})
	thresholds: tuple[float, ...] = (50.0, 75.0, 100.0)

	def __post_init__(self) -> None:
		pairs = self.targets.items() if isinstance(self.targets, Mapping) else self.targets
		targets = {k: v if isinstance(v, Target) else Target(*v) for k, v in dict(pairs).items()}
		object.__setattr__(self, "targets", MappingProxyType(targets))
		object.__setattr__(self, "pause_statuses", frozenset(self.pause_statuses))
		values = sorted({float(t) for t in self.thresholds})
		if any(not 0 < t <= 100 for t in values):
			raise ValueError(
				f"Warning thresholds must be above 0 and at most 100 %, got {self.thresholds!r}."
			)
		object.__setattr__(self, "thresholds", tuple(values))

	def __hash__(self) -> int:
		return hash(
			(
				self.name,
				self.calendar,
				tuple(sorted(self.targets.items())),
				self.pause_statuses,
				self.thresholds,
			)
		)


@dataclass(frozen=True)
class Event:
	"""One line of a ticket's history; ``value`` is the new status, priority or agreement name."""

	at: dt.datetime
	kind: str
	value: str | None = None


@dataclass(frozen=True)
class ClockResult:
	priority: str | None
	agreement: str | None
	response_elapsed: float
	resolution_elapsed: float
	paused_seconds: float
	response_by: dt.datetime | None
	resolution_by: dt.datetime | None
	responded_on: dt.datetime | None
	resolved_on: dt.datetime | None
	status: str
	response_thresholds: tuple[float, ...]
	resolution_thresholds: tuple[float, ...]


def compute_clock(
	agreements: Mapping[str, Agreement] | Agreement, events: Sequence[Event], now: dt.datetime
) -> ClockResult:
	"""The state of the response and resolution clocks at ``now`` (events after ``now`` are ignored)."""
	_check_aware(now, "now")
	for event in events:
		if event.kind not in EVENT_KINDS:
			raise ValueError(f"Unknown event kind {event.kind!r}: use one of {', '.join(EVENT_KINDS)}.")
		_check_aware(event.at, f"The time of the {event.kind!r} event")
	by_name = {agreements.name: agreements} if isinstance(agreements, Agreement) else dict(agreements)
	log = sorted(events, key=lambda e: _key(e.at))  # stable: same instant keeps the given order
	opened = next((e for e in log if e.kind == "opened"), None)
	if opened is None:
		raise ValueError("The event log has no 'opened' event: the clock cannot start.")
	if _key(now) < _key(opened.at):
		raise ValueError(
			f"now ({now.isoformat()}) is before the ticket was opened ({opened.at.isoformat()})."
		)
	log = [e for e in log if _key(e.at) <= _key(now)]
	agreement = _current_agreement(by_name, log)
	priority = next((e.value for e in reversed(log) if e.kind == "priority"), None)
	target = agreement.targets.get(priority) if priority is not None else None
	cal = agreement.calendar
	start = opened.at

	# Replay the log: between two events the state is constant; events before "opened" act at "opened".
	paused = False
	response_running = resolution_running = True
	responded_on = resolved_on = response_stop = resolution_stop = None
	response_spans: list[tuple[dt.datetime, dt.datetime]] = []
	resolution_spans: list[tuple[dt.datetime, dt.datetime]] = []
	pause_spans: list[tuple[dt.datetime, dt.datetime]] = []
	cursor = start

	def advance(until: dt.datetime) -> dt.datetime:
		"""Record the constant state from ``cursor`` up to ``until``; the new cursor."""
		if _key(until) <= _key(cursor):
			return cursor
		_record(
			cursor,
			until,
			paused,
			response_running,
			resolution_running,
			response_spans,
			resolution_spans,
			pause_spans,
		)
		return until

	for event in log:
		at = event.at if _key(event.at) > _key(start) else start
		cursor = advance(at)
		kind = event.kind
		if kind == "status":
			paused = event.value in agreement.pause_statuses
		elif kind == "responded" and responded_on is None:
			responded_on = event.at
			if response_running:
				response_running, response_stop = False, at
		elif kind in ("resolved", "closed") and resolution_running:
			resolution_running, resolution_stop, resolved_on = False, at, event.at
			if response_running:  # nobody responded: the resolution is the response
				response_running, response_stop = False, at
		elif kind == "reopened" and not resolution_running:
			resolution_running, resolved_on = True, None
	advance(now)

	response_elapsed = _sum(cal, response_spans)
	resolution_elapsed = _sum(cal, resolution_spans)
	paused_seconds = _sum(cal, pause_spans)
	response_target = target.response_seconds if target else None
	resolution_target = target.resolution_seconds if target else None
	# a stopped clock keeps its deadline as if it had kept running; a paused one as if it resumed now
	response_by = _deadline(cal, response_spans, response_target, now if response_running else response_stop)
	resolution_by = _deadline(
		cal, resolution_spans, resolution_target, now if resolution_running else resolution_stop
	)
	response_crossed = _crossed(agreement.thresholds, response_elapsed, response_target)
	resolution_crossed = _crossed(agreement.thresholds, resolution_elapsed, resolution_target)

	response_late = response_target is not None and response_elapsed > response_target
	resolution_late = resolution_target is not None and resolution_elapsed > resolution_target
	if not resolution_running:
		status = MISSED if response_late or resolution_late else MET
	elif target is None:
		status = ON_TRACK
	elif response_late or resolution_late:
		status = BREACHED
	elif paused:
		status = PAUSED
	elif (response_running and any(t < 100 for t in response_crossed)) or any(
		t < 100 for t in resolution_crossed
	):
		status = WARNING
	else:
		status = ON_TRACK
	tz = start.tzinfo
	return ClockResult(
		priority=priority,
		agreement=agreement.name,
		response_elapsed=response_elapsed,
		resolution_elapsed=resolution_elapsed,
		paused_seconds=paused_seconds,
		response_by=response_by.astimezone(tz) if response_by else None,
		resolution_by=resolution_by.astimezone(tz) if resolution_by else None,
		responded_on=responded_on,
		resolved_on=resolved_on,
		status=status,
		response_thresholds=response_crossed,
		resolution_thresholds=resolution_crossed,
	)


def _current_agreement(by_name: dict[str, Agreement], log: list[Event]) -> Agreement:
	"""The agreement named by the latest "agreement" event (events without a name are ignored), or the only one."""
	name = next((e.value for e in reversed(log) if e.kind == "agreement" and e.value), None)
	if name is None:
		if len(by_name) == 1:
			return next(iter(by_name.values()))
		raise ValueError("No 'agreement' event and more than one agreement given: cannot tell which applies.")
	if name not in by_name:
		raise ValueError(f"Unknown agreement {name!r}: known agreements are {', '.join(sorted(by_name))}.")
	return by_name[name]


def _record(
	a: dt.datetime,
	b: dt.datetime,
	paused: bool,
	response_running: bool,
	resolution_running: bool,
	response_spans: list,
	resolution_spans: list,
	pause_spans: list,
) -> None:
	if paused:
		if resolution_running:
			pause_spans.append((a, b))
		return
	if response_running:
		response_spans.append((a, b))
	if resolution_running:
		resolution_spans.append((a, b))


def _sum(cal: Calendar, spans: list[tuple[dt.datetime, dt.datetime]]) -> float:
	return round(sum(business_seconds_between(cal, a, b) for a, b in spans), 6)


def _deadline(
	cal: Calendar, spans: list[tuple[dt.datetime, dt.datetime]], target: float | None, resume: dt.datetime
) -> dt.datetime | None:
	"""When the running business time reaches ``target``; past the spans, the clock runs on from ``resume``."""
	if target is None:
		return None
	used = 0.0
	for a, b in spans:
		length = business_seconds_between(cal, a, b)
		if round(used + length, 6) >= target:
			return add_business_seconds(cal, a, max(0.0, round(target - used, 6)))
		used = round(used + length, 6)
	return add_business_seconds(cal, resume, max(0.0, round(target - used, 6)))


def _crossed(thresholds: tuple[float, ...], elapsed: float, target: float | None) -> tuple[float, ...]:
	if target is None:
		return ()
	return tuple(t for t in thresholds if elapsed >= round(target * t / 100, 6))


def _key(moment: dt.datetime) -> dt.datetime:
	"""A sort key in UTC: aware datetimes sharing a tzinfo would otherwise compare by wall time."""
	return moment.astimezone(dt.timezone.utc)


def _check_aware(moment: dt.datetime, name: str) -> None:
	if not isinstance(moment, dt.datetime) or moment.tzinfo is None or moment.utcoffset() is None:
		raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}.")
