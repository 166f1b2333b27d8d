"""The SLA / OLA / UC clock as a pure function of the event log: examples and properties."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itil_crm.engines.business_time import Calendar, add_business_seconds, business_seconds_between
from itil_crm.engines.sla_clock import Agreement, ClockResult, Event, Target, compute_clock

UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")
H = 3600
OFFICE = Calendar.build("Europe/Paris", [(d, "09:00", "17:00") for d in range(5)])
TARGETS = {"P1": Target(1 * H, 4 * H), "P2": Target(2 * H, 8 * H), "P3": Target(4 * H, 16 * H)}
STANDARD = Agreement("Standard SLA", OFFICE, TARGETS)
PREMIUM = Agreement(
	"Premium SLA",
	Calendar.build("UTC", [], is_24x7=True),
	{"P2": Target(15 * 60, 4 * H)},
	frozenset({"On Hold"}),
)


def paris(*args: int) -> dt.datetime:
	return dt.datetime(*args, tzinfo=PARIS)


def opened(at: dt.datetime, priority: str = "P2") -> list[Event]:
	return [Event(at, "opened"), Event(at, "priority", priority)]


def clock(events: list[Event], now: dt.datetime, agreements=STANDARD) -> ClockResult:
	return compute_clock(agreements, events, now)


# -- examples -----------------------------------------------------------------------------------------


def test_plain_incident_meets_response_and_resolution():
	events = [
		*opened(paris(2026, 1, 12, 10), "P3"),  # Monday 10:00
		Event(paris(2026, 1, 12, 11), "responded"),
		Event(paris(2026, 1, 13, 10), "resolved"),
	]
	during = clock(events, paris(2026, 1, 12, 12))
	assert (during.status, during.response_elapsed, during.resolution_elapsed) == ("On Track", H, 2 * H)
	assert during.resolved_on is None
	result = clock(events, paris(2026, 1, 13, 12))
	assert result == ClockResult(
		priority="P3",
		agreement="Standard SLA",
		response_elapsed=H,
		resolution_elapsed=8 * H,
		paused_seconds=0,
		response_by=paris(2026, 1, 12, 14),
		resolution_by=paris(2026, 1, 14, 10),  # 16 business hours: Monday 7 h, Tuesday 8 h, Wednesday 1 h
		responded_on=paris(2026, 1, 12, 11),
		resolved_on=paris(2026, 1, 13, 10),
		status="Met",
		response_thresholds=(),
		resolution_thresholds=(50.0,),
	)


def test_pause_on_hold_over_a_weekend():
	events = [
		*opened(paris(2026, 1, 16, 15)),  # Friday 15:00, P2: 8 business hours
		Event(paris(2026, 1, 16, 15, 30), "responded"),
		Event(paris(2026, 1, 16, 16), "status", "On Hold"),
		Event(paris(2026, 1, 19, 11), "status", "In Progress"),  # Monday 11:00
	]
	result = clock(events, paris(2026, 1, 19, 12))
	assert result.paused_seconds == 3 * H  # Friday 16-17 and Monday 9-11; the weekend is not business time
	assert result.resolution_elapsed == 2 * H  # Friday 15-16 and Monday 11-12
	assert result.response_elapsed == 30 * 60
	assert result.status == "On Track"
	without_pause = add_business_seconds(OFFICE, paris(2026, 1, 16, 15), 8 * H)
	assert without_pause == paris(2026, 1, 19, 15)
	assert result.resolution_by == paris(2026, 1, 20, 10)
	assert business_seconds_between(OFFICE, without_pause, result.resolution_by) == result.paused_seconds


def test_pause_on_hold_during_working_hours():
	events = [
		*opened(paris(2026, 1, 13, 9)),  # Tuesday
		Event(paris(2026, 1, 13, 9, 15), "responded"),
		Event(paris(2026, 1, 13, 10), "status", "On Hold"),
		Event(paris(2026, 1, 13, 12, 30), "status", "In Progress"),
	]
	result = clock(events, paris(2026, 1, 13, 14))
	assert result.paused_seconds == 2.5 * H
	assert result.resolution_elapsed == 2.5 * H
	assert result.resolution_by == paris(2026, 1, 14, 11, 30)  # 17:00 pushed by exactly 2 h 30
	assert business_seconds_between(OFFICE, paris(2026, 1, 13, 17), result.resolution_by) == 2.5 * H


def test_paused_now_gives_a_provisional_deadline_as_if_resumed_now():
	events = [*opened(paris(2026, 1, 13, 9)), Event(paris(2026, 1, 13, 10), "status", "On Hold")]
	at_11 = clock(events, paris(2026, 1, 13, 11))
	assert at_11.status == "Paused"
	assert (at_11.response_elapsed, at_11.resolution_elapsed, at_11.paused_seconds) == (H, H, H)
	assert at_11.response_by == paris(2026, 1, 13, 12)  # 1 h left, from 11:00
	assert at_11.resolution_by == paris(2026, 1, 14, 10)  # 7 h left: 11-17 and Wednesday 9-10
	at_12 = clock(events, paris(2026, 1, 13, 12))
	assert at_12.resolution_by == paris(2026, 1, 14, 11)
	assert at_12.paused_seconds == 2 * H


def test_status_outside_the_pause_statuses_does_not_pause():
	events = [
		*opened(paris(2026, 1, 13, 9)),
		Event(paris(2026, 1, 13, 9, 5), "responded"),
		Event(paris(2026, 1, 13, 10), "status", "Waiting for Customer"),
	]
	result = clock(events, paris(2026, 1, 13, 12))
	assert (result.resolution_elapsed, result.paused_seconds, result.status) == (3 * H, 0, "On Track")


def test_priority_change_retargets_from_the_original_start():
	events = [
		*opened(paris(2026, 1, 12, 9), "P3"),
		Event(paris(2026, 1, 12, 9, 30), "responded"),
		Event(paris(2026, 1, 12, 11), "priority", "P1"),
	]
	before = clock(events, paris(2026, 1, 12, 10, 59))
	assert (before.priority, before.resolution_by, before.status) == (
		"P3",
		paris(2026, 1, 13, 17),
		"On Track",
	)
	after = clock(events, paris(2026, 1, 12, 11))
	assert after.priority == "P1"
	assert after.resolution_elapsed == 2 * H  # elapsed is kept
	assert after.resolution_by == paris(2026, 1, 12, 13)  # 4 h from the original 09:00
	assert after.response_by == paris(2026, 1, 12, 10)
	assert (after.status, after.resolution_thresholds) == ("Warning", (50.0,))


def test_priority_raised_after_the_new_target_is_breached_at_once():
	events = [
		*opened(paris(2026, 1, 12, 9), "P3"),
		Event(paris(2026, 1, 12, 9, 30), "responded"),
		Event(paris(2026, 1, 12, 14), "priority", "P1"),
	]
	assert clock(events, paris(2026, 1, 12, 13, 59)).status == "On Track"
	result = clock(events, paris(2026, 1, 12, 14))
	assert result.status == "Breached"
	assert result.resolution_by == paris(2026, 1, 12, 13)
	assert result.resolution_thresholds == (50.0, 75.0, 100.0)
	# without a response, the response clock breaches too
	no_response = [e for e in events if e.kind != "responded"]
	result = clock(no_response, paris(2026, 1, 12, 14))
	assert (result.status, result.response_elapsed, result.response_by) == (
		"Breached",
		5 * H,
		paris(2026, 1, 12, 10),
	)


def test_reopen_resumes_the_resolution_clock():
	events = [
		*opened(paris(2026, 1, 12, 9)),  # P2: 8 h
		Event(paris(2026, 1, 12, 9, 30), "responded"),
		Event(paris(2026, 1, 12, 12), "resolved"),
		Event(paris(2026, 1, 13, 10), "reopened"),
	]
	resolved = clock(events, paris(2026, 1, 12, 13))
	assert (resolved.status, resolved.resolved_on, resolved.resolution_elapsed) == (
		"Met",
		paris(2026, 1, 12, 12),
		3 * H,
	)
	assert resolved.resolution_by == paris(2026, 1, 12, 17)  # where it would have been had it kept running
	before_reopen = clock(events, paris(2026, 1, 13, 9, 59))
	assert before_reopen.resolution_elapsed == 3 * H  # resolved -> reopened does not count
	reopened = clock(events, paris(2026, 1, 13, 12))
	assert reopened.resolved_on is None
	assert reopened.resolution_elapsed == 5 * H
	assert reopened.resolution_by == paris(2026, 1, 13, 15)  # 5 h left from the reopen at 10:00
	assert (reopened.status, reopened.resolution_thresholds) == ("Warning", (50.0,))
	assert reopened.response_elapsed == 30 * 60
	resolved_again = clock([*events, Event(paris(2026, 1, 13, 16), "resolved")], paris(2026, 1, 14, 9))
	assert (resolved_again.status, resolved_again.resolution_elapsed) == ("Missed", 9 * H)  # 3 h + 6 h > 8 h
	assert resolved_again.resolved_on == paris(2026, 1, 13, 16)


def test_thresholds_are_crossed_in_order_as_time_passes():
	events = [*opened(paris(2026, 1, 12, 9), "P1"), Event(paris(2026, 1, 12, 9, 10), "responded")]
	seen = []
	for now in [paris(2026, 1, 12, h) for h in (10, 11, 12, 13)] + [paris(2026, 1, 12, 13, 0, 1)]:
		result = clock(events, now)
		assert result.response_thresholds == ()  # answered after 10 minutes
		seen.append((result.resolution_thresholds, result.status))
	assert seen == [
		((), "On Track"),
		((50.0,), "Warning"),
		((50.0, 75.0), "Warning"),
		((50.0, 75.0, 100.0), "Warning"),  # exactly at the target: reached, not exceeded
		((50.0, 75.0, 100.0), "Breached"),
	]


def test_response_thresholds_and_custom_thresholds():
	events = opened(paris(2026, 1, 12, 9), "P1")
	assert clock(events, paris(2026, 1, 12, 9, 30)).response_thresholds == (50.0,)
	assert clock(events, paris(2026, 1, 12, 9, 45)).response_thresholds == (50.0, 75.0)
	assert clock(events, paris(2026, 1, 12, 10, 1)).status == "Breached"
	late_answer = [*events, Event(paris(2026, 1, 12, 9, 50), "responded")]
	result = clock(late_answer, paris(2026, 1, 12, 10))
	assert result.response_thresholds == (50.0, 75.0)  # crossed, but the response clock has stopped in time
	assert (result.resolution_thresholds, result.status) == ((), "On Track")
	custom = Agreement("Custom", OFFICE, TARGETS, thresholds=(90, 25, 25))
	assert custom.thresholds == (25.0, 90.0)
	assert clock(events, paris(2026, 1, 12, 9, 20), custom).response_thresholds == (25.0,)
	with pytest.raises(ValueError, match="thresholds"):
		Agreement("Bad", OFFICE, TARGETS, thresholds=(0, 50))


@pytest.mark.parametrize(
	"responded, stop, kind, status",
	[
		((9, 10), (12, 0), "resolved", "Met"),
		((9, 10), (14, 0), "resolved", "Missed"),  # resolution after 5 h > 4 h
		((10, 30), (12, 0), "resolved", "Missed"),  # response after 1 h 30 > 1 h
		(None, (9, 45), "resolved", "Met"),  # no response: the resolution is the response, 45 min
		(None, (11, 0), "resolved", "Missed"),  # no response: resolved after 2 h > 1 h
		((9, 10), (12, 0), "closed", "Met"),
		((9, 10), (13, 30), "closed", "Missed"),
	],
)
def test_met_or_missed(responded, stop, kind, status):
	events = opened(paris(2026, 1, 12, 9), "P1")
	if responded:
		events.append(Event(paris(2026, 1, 12, *responded), "responded"))
	events.append(Event(paris(2026, 1, 12, *stop), kind))
	result = clock(events, paris(2026, 1, 15, 9))
	assert result.status == status
	assert result.resolved_on == paris(2026, 1, 12, *stop)
	assert result.responded_on == (paris(2026, 1, 12, *responded) if responded else None)
	if not responded:
		assert result.response_elapsed == result.resolution_elapsed


def test_events_may_come_unsorted():
	events = [
		*opened(paris(2026, 1, 16, 15)),
		Event(paris(2026, 1, 16, 15, 30), "responded"),
		Event(paris(2026, 1, 16, 16), "status", "On Hold"),
		Event(paris(2026, 1, 19, 11), "status", "In Progress"),
		Event(paris(2026, 1, 19, 14), "resolved"),
	]
	expected = clock(events, paris(2026, 1, 20, 9))
	shuffled = list(reversed(events))
	assert clock(shuffled, paris(2026, 1, 20, 9)) == expected
	# the same instants written in another time zone sort the same way
	in_utc = [Event(e.at.astimezone(UTC), e.kind, e.value) for e in events]
	random.Random(4).shuffle(in_utc)
	assert clock(in_utc, paris(2026, 1, 20, 9)).resolution_elapsed == expected.resolution_elapsed


def test_events_after_now_are_ignored():
	events = [*opened(paris(2026, 1, 12, 9)), Event(paris(2026, 1, 12, 15), "resolved")]
	result = clock(events, paris(2026, 1, 12, 10))
	assert (result.status, result.resolved_on, result.resolution_elapsed) == (
		"Warning",
		None,
		H,
	)  # 50 % of 2 h
	assert result.response_thresholds == (50.0,)


def test_agreement_change_recomputes_on_the_new_calendar_from_the_original_start():
	events = [
		Event(paris(2026, 1, 16, 16), "opened"),  # Friday 16:00
		Event(paris(2026, 1, 16, 16), "agreement", "Standard SLA"),
		Event(paris(2026, 1, 16, 16), "priority", "P2"),
		Event(paris(2026, 1, 17, 10), "agreement", "Premium SLA"),
	]
	agreements = {"Standard SLA": STANDARD, "Premium SLA": PREMIUM}
	assert clock(events, paris(2026, 1, 17, 9), agreements).agreement == "Standard SLA"
	result = clock(events, paris(2026, 1, 17, 12), agreements)
	assert result.agreement == "Premium SLA"
	assert result.resolution_elapsed == 20 * H  # 24 x 7 since Friday 16:00
	assert result.resolution_by == paris(2026, 1, 16, 20)
	assert result.response_by == paris(2026, 1, 16, 16, 15)
	assert result.status == "Breached"


def test_no_target_for_the_priority():
	events = opened(paris(2026, 1, 12, 9), "P9")
	result = clock(events, paris(2026, 1, 12, 16))
	assert (result.response_by, result.resolution_by, result.status) == (None, None, "On Track")
	assert (result.response_thresholds, result.resolution_thresholds) == ((), ())
	assert result.resolution_elapsed == 7 * H
	assert clock([*events, Event(paris(2026, 1, 20, 9), "resolved")], paris(2026, 1, 21, 9)).status == "Met"
	no_priority = clock([Event(paris(2026, 1, 12, 9), "opened")], paris(2026, 1, 12, 10))
	assert (no_priority.priority, no_priority.resolution_by) == (None, None)


def test_invalid_logs_raise():
	now = paris(2026, 1, 12, 12)
	with pytest.raises(ValueError, match="no 'opened' event"):
		clock([Event(paris(2026, 1, 12, 9), "priority", "P1")], now)
	with pytest.raises(ValueError, match="Unknown agreement"):
		clock([*opened(paris(2026, 1, 12, 9)), Event(paris(2026, 1, 12, 9), "agreement", "Gold")], now)
	with pytest.raises(ValueError, match="more than one agreement"):
		clock(opened(paris(2026, 1, 12, 9)), now, {"Standard SLA": STANDARD, "Premium SLA": PREMIUM})
	with pytest.raises(ValueError, match="timezone-aware"):
		clock(opened(paris(2026, 1, 12, 9)), dt.datetime(2026, 1, 12, 12))
	with pytest.raises(ValueError, match="timezone-aware"):
		clock([Event(dt.datetime(2026, 1, 12, 9), "opened")], now)
	with pytest.raises(ValueError, match="Unknown event kind"):
		clock([*opened(paris(2026, 1, 12, 9)), Event(now, "escalated")], now)
	with pytest.raises(ValueError, match="before the ticket was opened"):
		clock(opened(paris(2026, 1, 12, 13)), now)
	with pytest.raises(ValueError, match=">= 0"):
		Target(-1, 10)


def test_agreement_is_hashable_and_accepts_pairs():
	a = Agreement("A", OFFICE, {"P1": (60, 120)})
	b = Agreement("A", OFFICE, [("P1", Target(60, 120))])
	assert a == b and hash(a) == hash(b)
	assert a.targets["P1"] == Target(60, 120)


# -- properties ---------------------------------------------------------------------------------------

CALENDARS = [
	OFFICE,
	Calendar.build("America/New_York", [], is_24x7=True),
	Calendar.build(
		"Australia/Sydney", [(d, i, j) for d in range(6) for i, j in (("06:00", "10:00"), ("18:00", "23:30"))]
	),
]
STEPS = [
	("status", "On Hold"),
	("status", "In Progress"),
	("responded", None),
	("resolved", None),
	("reopened", None),
	("priority", "P1"),
	("priority", "P3"),
]


@st.composite
def logs(draw) -> tuple[Agreement, list[Event]]:
	cal = draw(st.sampled_from(CALENDARS))
	agreement = Agreement("SLA", cal, TARGETS)
	start = draw(st.datetimes(dt.datetime(2025, 6, 1), dt.datetime(2027, 6, 1), timezones=st.just(PARIS)))
	events = opened(start)
	at = start
	for _ in range(draw(st.integers(0, 12))):
		# real elapsed time (in UTC): wall-clock arithmetic in Paris jumps back across a DST change
		at = (at.astimezone(UTC) + dt.timedelta(minutes=draw(st.integers(1, 3000)))).astimezone(PARIS)
		kind, value = draw(st.sampled_from(STEPS))
		events.append(Event(at, kind, value))
	return agreement, events


def stop_of(events: list[Event], now: dt.datetime, kinds: tuple[str, ...]) -> dt.datetime:
	"""The first event of ``kinds`` up to ``now``, else now."""
	hits = [e.at for e in events if e.kind in kinds and e.at.astimezone(UTC) <= now.astimezone(UTC)]
	return min(hits, key=lambda x: x.astimezone(UTC)) if hits else now


def is_resolved(events: list[Event], now: dt.datetime) -> bool:
	resolved = False
	for e in sorted(events, key=lambda e: e.at.astimezone(UTC)):
		if e.at.astimezone(UTC) <= now.astimezone(UTC):
			resolved = {"resolved": True, "reopened": False}.get(e.kind, resolved)
	return resolved


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(
	logs(),
	st.timedeltas(dt.timedelta(0), dt.timedelta(days=12)),
	st.timedeltas(dt.timedelta(0), dt.timedelta(days=5)),
)
def test_elapsed_plus_paused_is_the_business_time_since_open(log, offset, later):
	agreement, events = log
	start = events[0].at
	now = start.astimezone(UTC) + offset  # real time: wall-clock arithmetic is wrong across DST
	has = {e.kind for e in events if e.at.astimezone(UTC) <= now.astimezone(UTC)}
	result = compute_clock(agreement, events, now)
	cal = agreement.calendar
	if "reopened" not in has:
		window = business_seconds_between(cal, start, stop_of(events, now, ("resolved",)))
		assert result.resolution_elapsed + result.paused_seconds == pytest.approx(window, abs=1e-5)
		if "responded" not in has:
			assert result.response_elapsed + result.paused_seconds == pytest.approx(window, abs=1e-5)
	if "responded" in has or "resolved" in has:
		response_window = business_seconds_between(
			cal, start, stop_of(events, now, ("responded", "resolved"))
		)
		assert result.response_elapsed <= response_window + 1e-6
	# monotonic in now
	more = compute_clock(agreement, events, now + later)
	assert more.response_elapsed >= result.response_elapsed
	assert more.resolution_elapsed >= result.resolution_elapsed
	assert more.paused_seconds >= result.paused_seconds


@PROPERTY
@given(logs(), st.timedeltas(dt.timedelta(0), dt.timedelta(days=12)))
def test_status_and_deadlines_are_consistent(log, offset):
	agreement, events = log
	now = events[0].at.astimezone(UTC) + offset
	result = compute_clock(agreement, events, now)
	target = agreement.targets[result.priority]
	resolved = is_resolved(events, now)
	assert (result.status in ("Met", "Missed")) == resolved
	assert (result.resolved_on is not None) == resolved
	late = (
		result.response_elapsed > target.response_seconds
		or result.resolution_elapsed > target.resolution_seconds
	)
	if resolved:
		assert result.status == ("Missed" if late else "Met")
	else:
		assert (result.status == "Breached") == late
		paused = result.status == "Paused"
		if not paused and not late:
			# the resolution clock is running: its deadline is ahead exactly when time is left
			if result.resolution_elapsed < target.resolution_seconds:
				assert result.resolution_by.astimezone(UTC) > now.astimezone(UTC)
	if result.resolution_elapsed > target.resolution_seconds:
		assert result.resolution_by.astimezone(UTC) < now.astimezone(UTC)
	for crossed, elapsed, goal in (
		(result.response_thresholds, result.response_elapsed, target.response_seconds),
		(result.resolution_thresholds, result.resolution_elapsed, target.resolution_seconds),
	):
		assert crossed == tuple(t for t in agreement.thresholds if elapsed >= goal * t / 100)
	# the order in which the log is given does not matter (instants are distinct)
	shuffled = list(events)
	random.Random(len(events)).shuffle(shuffled)
	assert compute_clock(agreement, shuffled, now) == result
