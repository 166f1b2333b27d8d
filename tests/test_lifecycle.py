import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.lifecycle import CHANGE, GO_LIVE, INCIDENT, LIFECYCLES, PROBLEM, TransitionError


def test_incident_happy_path():
	path = ["New", "Assigned", "In Progress", "On Hold", "In Progress", "Resolved", "Closed"]
	for current, target in itertools.pairwise(path):
		INCIDENT.check(current, target)


def test_resolved_incident_can_be_reopened_but_closed_cannot():
	INCIDENT.check("Resolved", "In Progress")
	with pytest.raises(TransitionError) as e:
		INCIDENT.check("Closed", "In Progress")
	assert "none (final status)" in str(e.value)


def test_forbidden_move_names_the_allowed_moves():
	with pytest.raises(TransitionError) as e:
		INCIDENT.check("New", "Closed")
	message = str(e.value)
	assert "cannot move from New to Closed" in message
	for allowed in INCIDENT.allowed_from("New"):
		assert allowed in message


def test_new_record_must_start_in_initial_state():
	INCIDENT.check(None, "New")
	with pytest.raises(TransitionError, match="starts as New"):
		INCIDENT.check(None, "Resolved")


def test_unknown_status():
	with pytest.raises(TransitionError, match="unknown status Done"):
		PROBLEM.check("New", "Done")


def test_specified_paths():
	for lifecycle, path in (
		(PROBLEM, ["New", "Under Investigation", "Known Error", "Resolved", "Closed"]),
		(CHANGE, ["Draft", "Assessment", "Authorized", "Scheduled", "Implementing", "Review", "Closed"]),
		(GO_LIVE, ["Planned", "In Warranty", "Final Review", "Closed"]),
		(GO_LIVE, ["Planned", "In Warranty", "Extended", "Final Review", "Closed"]),
	):
		for current, target in itertools.pairwise(path):
			lifecycle.check(current, target)
	for end in ("Rejected", "Cancelled", "Backed Out"):
		assert end in CHANGE.states
	CHANGE.check("Implementing", "Backed Out")


def test_change_authorisation_needs_a_change_authority():
	with pytest.raises(TransitionError, match="needs one of these roles") as e:
		CHANGE.check("Assessment", "Authorized", {"ITIL Support Engineer"})
	assert "ITIL Change Manager" in e.value.roles
	CHANGE.check("Assessment", "Authorized", {"ITIL CAB Member"})
	CHANGE.check("Assessment", "Authorized", None)  # system action


def test_final_states():
	assert set(INCIDENT.final_states) == {"Closed", "Cancelled"}
	assert set(CHANGE.final_states) == {"Closed", "Rejected", "Cancelled"}
	assert GO_LIVE.final_states == ["Closed"]


@given(
	name=st.sampled_from(sorted(LIFECYCLES)),
	data=st.data(),
)
def test_check_agrees_with_the_move_table(name, data):
	lifecycle = LIFECYCLES[name]
	current = data.draw(st.sampled_from(lifecycle.states))
	target = data.draw(st.sampled_from(lifecycle.states))
	allowed = current == target or target in lifecycle.moves.get(current, ())
	try:
		lifecycle.check(current, target, None)
		assert allowed
	except TransitionError as e:
		assert not allowed
		assert e.allowed == lifecycle.allowed_from(current)


@given(name=st.sampled_from(sorted(LIFECYCLES)), data=st.data())
def test_every_state_reachable_from_initial(name, data):
	lifecycle = LIFECYCLES[name]
	seen, todo = {lifecycle.initial}, [lifecycle.initial]
	while todo:
		for nxt in lifecycle.moves.get(todo.pop(), ()):
			if nxt not in seen:
				seen.add(nxt)
				todo.append(nxt)
	assert seen == set(lifecycle.states)
