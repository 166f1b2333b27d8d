from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.customer_promises import distance, promises

NOW = datetime(2026, 11, 30, 10, 0)
STATUSES = ["New", "Assigned", "In Progress", "On Hold", "Resolved", "Closed", "Cancelled"]
SLA = [None, "On Track", "Warning", "Paused", "Breached", "Met", "Missed"]
moments = st.one_of(st.none(), st.integers(-10_000, 10_000).map(lambda m: NOW + timedelta(minutes=m)))


def test_open_incident_before_its_deadlines():
	said = promises(
		"Assigned", "On Track", NOW + timedelta(hours=1), None, NOW + timedelta(hours=8), None, None, NOW
	)
	assert [(p.kind, p.when) for p in said] == [
		("response_due", NOW + timedelta(hours=1)),
		("resolution_due", NOW + timedelta(hours=8)),
	]


def test_late_answer_and_paused_resolution():
	said = promises(
		"On Hold", "Paused", NOW - timedelta(minutes=5), None, NOW + timedelta(hours=2), None, None, NOW
	)
	assert [p.kind for p in said] == ["response_late", "paused"]


def test_done_incident_says_when_it_was_answered_and_resolved():
	answered, resolved = NOW - timedelta(hours=5), NOW - timedelta(hours=1)
	said = promises("Resolved", "Met", NOW - timedelta(hours=4), answered, NOW, resolved, None, NOW)
	assert [(p.kind, p.when) for p in said] == [("responded", answered), ("resolved", resolved)]


def test_no_agreement_no_promise():
	assert promises("New", None, None, None, None, None, None, NOW) == []


@given(st.sampled_from(STATUSES), st.sampled_from(SLA), moments, moments, moments, moments, moments)
def test_at_most_one_sentence_per_clock_and_late_means_past(
	status, sla, resp_by, responded, res_by, resolved, closed
):
	said = promises(status, sla, resp_by, responded, res_by, resolved, closed, NOW)
	kinds = [p.kind for p in said]
	answer = {"responded", "response_due", "response_late"}
	outcome = {"resolved", "closed", "cancelled", "resolution_due", "resolution_late", "paused"}
	assert set(kinds) <= answer | outcome
	assert sum(k in answer for k in kinds) <= 1 and sum(k in outcome for k in kinds) <= 1
	for p in said:
		if p.kind.endswith("_late"):
			assert p.when < NOW
		if p.kind.endswith("_due"):
			assert p.when >= NOW
	if status in ("Resolved", "Closed", "Cancelled"):
		assert not any(k.startswith("resolution_") or k == "paused" for k in kinds)
		assert "response_due" not in kinds and "response_late" not in kinds
	if responded:
		assert kinds[0] == "responded"


@given(st.integers(0, 400 * 86400))
def test_distance_is_the_largest_unit_that_fits(seconds):
	n, unit = distance(seconds)
	size = {"day": 86400, "hour": 3600, "minute": 60}[unit]
	assert n * size <= seconds < (n + 1) * size or (unit == "minute" and seconds < 60 and n == 0)
	if unit == "hour":
		assert seconds < 86400
	if unit == "minute":
		assert seconds < 3600
