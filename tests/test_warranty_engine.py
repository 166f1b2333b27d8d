from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.warranty import (
	ExitRules,
	due_date,
	exit_criteria,
	reminder_stage,
	scheduled_moves,
	sla_compliance,
	warranty_end,
)

GO_LIVE = date(2026, 12, 1)
days = st.integers(min_value=-60, max_value=120)


def test_warranty_end_and_due_dates():
	assert warranty_end(GO_LIVE, 30) == date(2026, 12, 31)
	with pytest.raises(ValueError):
		warranty_end(GO_LIVE, 0)
	assert due_date(GO_LIVE, -7) == date(2026, 11, 24)
	assert due_date(GO_LIVE, None) is None


def test_the_job_moves_into_the_warranty_then_to_the_final_review():
	end = warranty_end(GO_LIVE, 30)
	assert scheduled_moves("Planned", GO_LIVE, end, GO_LIVE - timedelta(days=1)) == []
	assert scheduled_moves("Planned", GO_LIVE, end, GO_LIVE) == ["In Warranty"]
	assert scheduled_moves("In Warranty", GO_LIVE, end, end - timedelta(days=1)) == []
	assert scheduled_moves("Extended", GO_LIVE, end, end) == ["Final Review"]
	assert scheduled_moves("Planned", GO_LIVE, end, end) == ["In Warranty", "Final Review"]
	for status in ("Final Review", "Closed"):
		assert scheduled_moves(status, GO_LIVE, end, end + timedelta(days=9)) == []


@given(status=st.sampled_from(["Planned", "In Warranty", "Extended", "Final Review", "Closed"]), d=days)
def test_a_rerun_of_the_job_moves_nothing(status, d):
	end = warranty_end(GO_LIVE, 30)
	today = GO_LIVE + timedelta(days=d)
	moves = scheduled_moves(status, GO_LIVE, end, today)
	after = moves[-1] if moves else status
	assert scheduled_moves(after, GO_LIVE, end, today) == []


@given(offset=days, lead=st.integers(min_value=0, max_value=10), start=days, span=st.integers(1, 90))
def test_an_item_is_reminded_at_most_once_per_stage_and_never_when_done(offset, lead, start, span):
	"""Day after day, remembering the stage sent: at most one "due" then at most one "overdue", in
	that order, and an overdue item always gets its overdue reminder."""
	due = due_date(GO_LIVE, offset)
	stage, sent = None, []
	for n in range(span):
		today = GO_LIVE + timedelta(days=start + n)
		new = reminder_stage(due, today, False, lead, stage)
		if new:
			sent.append(new)
			stage = new
		assert reminder_stage(due, today, False, lead, stage) is None  # the same day again: nothing
		assert reminder_stage(due, today, True, lead, None) is None
	assert sent in ([], ["due"], ["overdue"], ["due", "overdue"])
	if GO_LIVE + timedelta(days=start + span - 1) > due:
		assert sent[-1] == "overdue"


def test_sla_compliance_counts_only_incidents_under_an_agreement():
	assert sla_compliance([]) is None
	assert sla_compliance(["", None]) is None
	assert sla_compliance(["Met", "On Track", "Breached", "Missed"]) == 50.0
	assert sla_compliance(["Met", "Paused", "Warning"]) == 100.0


def test_exit_criteria():
	items = [("Train users", True, True), ("Document CIs", True, False), ("Optional", False, False)]
	incidents = [("INC-1", 2), ("INC-2", 3), ("INC-3", None)]
	result = {c.key: c for c in exit_criteria(items, incidents, ["Met"] * 9 + ["Breached"], ExitRules())}
	assert result["mandatory_items"].failing == ("Document CIs",) and not result["mandatory_items"].met
	assert result["open_incidents"].failing == ("INC-1",) and not result["open_incidents"].met
	assert result["sla_compliance"].value == 90.0 and not result["sla_compliance"].met
	relaxed = ExitRules(mandatory_items=False, blocking_rank=1, sla_target=90)
	assert all(c.met for c in exit_criteria(items, incidents, ["Met"] * 9 + ["Breached"], relaxed))
	assert [c.key for c in exit_criteria(items, incidents, [], ExitRules(False, None, None))] == []
	# no incident under an agreement: compliance is not in the way
	assert exit_criteria([], [], [], ExitRules())[2].met


@given(
	ranks=st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=12),
	blocking=st.integers(1, 5),
)
def test_an_incident_blocks_exactly_when_it_is_as_urgent_as_the_blocking_priority(ranks, blocking):
	incidents = [(f"INC-{i}", r) for i, r in enumerate(ranks)]
	(criterion,) = exit_criteria([], incidents, [], ExitRules(False, blocking, None))
	assert set(criterion.failing) == {n for n, r in incidents if r is not None and r <= blocking}
	assert criterion.met == (not criterion.failing)


# --- QoS objectives of a go-live ------------------------------------------------------------------

QOS = ExitRules(
	mandatory_items=False,
	blocking_rank=None,
	sla_target=None,
	qos=(("sla_met", 95.0), ("availability", 99.5), ("major_incidents", 0), ("mttr_hours", 8.0)),
)


def test_each_qos_objective_is_judged_in_the_direction_of_its_kpi():
	values = {"sla_met": 96.0, "availability": 99.2, "major_incidents": 1, "mttr_hours": 7.5}
	criteria = {c.key: c for c in exit_criteria([], [], [], QOS, values)}
	assert [k for k, c in criteria.items() if c.met] == ["qos_sla_met", "qos_mttr_hours"]
	assert criteria["qos_availability"].value == 99.2 and criteria["qos_availability"].objective == 99.5
	assert not criteria["qos_major_incidents"].met  # one P1 against none allowed


def test_an_objective_with_nothing_measured_yet_holds():
	criteria = exit_criteria([], [], [], QOS, {"major_incidents": 0})
	assert all(c.met for c in criteria)
	assert [c.key for c in criteria] == [
		"qos_sla_met",
		"qos_availability",
		"qos_major_incidents",
		"qos_mttr_hours",
	]


@given(
	objective=st.floats(min_value=0, max_value=100, allow_nan=False),
	value=st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_a_higher_is_better_objective_holds_exactly_when_the_value_reaches_it(objective, value):
	rules = ExitRules(
		mandatory_items=False, blocking_rank=None, sla_target=None, qos=(("sla_met", objective),)
	)
	(criterion,) = exit_criteria([], [], [], rules, {"sla_met": value})
	assert criterion.met == (value >= objective)
