from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.change_authority import authority, may_decide, risk_level, tally


def test_the_authority_follows_type_and_risk():
	assert authority("Standard", "High") == "standard"
	assert authority("Normal", "Low") == "manager"
	assert authority("Normal", "Medium") == "cab" and authority("Normal", "High") == "cab"
	assert authority("Emergency", "Low") == "ecab"


def test_risk_from_weighted_answers():
	assert risk_level([]) == (0.0, None)
	assert risk_level([(3, True), (1, False)]) == (75.0, "High")
	assert risk_level([(1, True), (1, False)]) == (50.0, "Medium")
	assert risk_level([(1, False), (5, False)]) == (0.0, "Low")


def test_votes_decide_once_the_quorum_is_reached():
	assert tally(["Approve"], 2).decision is None
	assert tally(["Approve", "Approve"], 2).decision == "Approved"
	assert tally(["Approve", "Reject"], 2).decision == "Rejected"  # no majority: not authorised
	assert tally(["Approve", "Approve", "Reject"], 2).decision == "Approved"


def test_who_decides_by_hand():
	assert may_decide("manager", {"ITIL Change Manager"}, None)
	assert not may_decide("manager", {"ITIL Support Engineer"}, None)
	assert not may_decide("cab", {"ITIL Change Manager"}, None)
	assert may_decide("cab", set(), "Approved")


@given(st.lists(st.tuples(st.integers(0, 10), st.booleans()), max_size=10))
def test_more_yes_never_lowers_the_risk(answers):
	score, _level = risk_level(answers)
	assert 0 <= score <= 100
	flipped = [(w, True) for w, _yes in answers]
	assert risk_level(flipped)[0] >= score


@given(st.lists(st.sampled_from(["Approve", "Reject"]), max_size=9), st.integers(1, 5))
def test_a_decision_needs_the_quorum_and_approval_needs_a_majority(votes, quorum):
	t = tally(votes, quorum)
	assert (t.decision is None) == (len(votes) < quorum)
	if t.decision == "Approved":
		assert t.approvals > t.rejections
