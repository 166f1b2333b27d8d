"""The ticket <-> incident bridge rules (engines.ticket_bridge)."""

from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.ticket_bridge import (
	DONE_TICKET,
	MODES,
	OPEN_STATUSES,
	choose_customer,
	creates_automatically,
	creates_manually,
	parse_types,
	reaction_to_ticket,
	ticket_status_for,
)
from itil_crm.ticket_bridge.platforms import PLATFORMS

INCIDENT_STATUSES = (*OPEN_STATUSES, "Resolved", "Closed", "Cancelled")
TICKET_STATUSES = ("Open", "Replied", "On Hold", "Paused", "Resolved", "Closed")


def test_modes():
	assert creates_automatically("Automatic", "Incident", "Incident\nOutage")
	assert creates_automatically("Automatic", "Outage", "Incident, Outage")
	assert not creates_automatically("Automatic", "Question", "Incident")
	assert not creates_automatically("Automatic", None, "Incident")
	assert not creates_automatically("Manual", "Incident", "Incident")
	assert not creates_automatically("Off", "Incident", "Incident")
	assert [m for m in MODES if creates_manually(m)] == ["Manual", "Automatic"]
	assert parse_types(" Incident ,\n\nOutage\n") == {"Incident", "Outage"}


@given(st.sampled_from(MODES), st.text(max_size=12), st.text(max_size=40))
def test_automatic_only_for_listed_types_and_never_when_off(mode, ticket_type, listed):
	auto = creates_automatically(mode, ticket_type, listed)
	if auto:
		assert mode == "Automatic" and ticket_type.strip() and ticket_type in parse_types(listed)
		assert creates_manually(mode)


def test_incident_moves_that_reach_the_ticket():
	assert ticket_status_for("Resolved", "In Progress") == "Resolved"
	assert ticket_status_for("Closed", "Resolved") == "Closed"
	assert ticket_status_for("Resolved", "Resolved") is None  # a save that moves nothing sends nothing
	assert ticket_status_for("In Progress", "Resolved") is None  # a reopen leaves the ticket to its platform
	assert ticket_status_for("Cancelled", "New") is None


def test_customer_reply_reopens_a_resolved_incident_only():
	assert reaction_to_ticket("Resolved", "Open", "Resolved").action == "reopen"
	assert reaction_to_ticket("Closed", "Open", "Resolved").action == "reopen"
	assert reaction_to_ticket("Resolved", "Open", "Closed").action == "note_reply_after_close"
	assert reaction_to_ticket("Open", "Closed", "In Progress").action == "note_closed_by_customer"
	assert reaction_to_ticket("Open", "Resolved", "Resolved").action == "none"
	assert reaction_to_ticket("Open", "Replied", "In Progress").action == "none"


@given(st.sampled_from(TICKET_STATUSES), st.sampled_from(TICKET_STATUSES), st.sampled_from(INCIDENT_STATUSES))
def test_a_ticket_never_closes_or_cancels_an_incident(old, new, incident):
	reaction = reaction_to_ticket(old, new, incident)
	assert reaction.action in ("none", "reopen", "note_closed_by_customer", "note_reply_after_close")
	if reaction.action == "reopen":
		assert incident == "Resolved" and old in DONE_TICKET and new not in DONE_TICKET
	if new in DONE_TICKET and incident in OPEN_STATUSES and old != new:
		assert reaction.action == "note_closed_by_customer"


def test_customer_choice():
	assert choose_customer(("HD Customer", "Fabrikam"), [("Customer", "Other")]).customer == "Fabrikam"
	one = choose_customer(None, [("Customer", "Acme"), ("Customer", "Acme")])
	assert (one.customer_type, one.customer) == ("Customer", "Acme")
	two = choose_customer(("HD Customer", ""), [("Customer", "Acme"), ("HD Customer", "Acme HD")])
	assert two.customer is None and "several customers" in two.note and "Acme HD (HD Customer)" in two.note
	assert choose_customer(None, []).customer is None


def test_platforms_map_every_seeded_priority():
	from itil_crm.setup.default_data import PRIORITIES

	for platform in PLATFORMS.values():
		assert {p for p, _r, _c in PRIORITIES} == {itil for itil, _t in platform.default_priorities}


def test_customer_reply():
	from itil_crm.engines.ticket_bridge import reaction_to_customer_reply

	assert reaction_to_customer_reply("Resolved").action == "reopen"
	assert reaction_to_customer_reply("Closed").action == "note_reply_after_close"
	assert [reaction_to_customer_reply(s).action for s in OPEN_STATUSES] == ["none"] * len(OPEN_STATUSES)
