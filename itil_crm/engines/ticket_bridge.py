"""What the bridge between a ticket (Helpdesk, ERPNext Issue) and its incident does, as pure rules.

The Frappe layer (itil_crm.ticket_bridge) loads the ticket and the incident, asks these
functions, and carries out the answer. Nothing here imports frappe.
"""

from __future__ import annotations

from dataclasses import dataclass

from itil_crm.engines.lifecycle import OPEN_STATUSES

MODES = ("Off", "Manual", "Automatic")
DONE_TICKET = ("Resolved", "Closed")


def parse_types(text: str | None) -> frozenset[str]:
	"""Ticket types listed one per line or separated by commas."""
	return frozenset(t.strip() for t in (text or "").replace(",", "\n").splitlines() if t.strip())


def creates_automatically(mode: str | None, ticket_type: str | None, automatic_types: str | None) -> bool:
	"""Automatic mode raises an incident for the ticket types listed; other types stay manual."""
	return mode == "Automatic" and bool(ticket_type) and ticket_type in parse_types(automatic_types)


def creates_manually(mode: str | None) -> bool:
	return mode in ("Manual", "Automatic")


def ticket_status_for(incident_status: str, previous_incident_status: str | None) -> str | None:
	"""The ticket status an incident's move asks for (None: leave the ticket alone)."""
	if incident_status == previous_incident_status:
		return None
	if incident_status in DONE_TICKET:
		return incident_status
	return None


@dataclass(frozen=True)
class Reaction:
	action: str  # "none", "reopen", "note_closed_by_customer", "note_reply_after_close"
	reason: str = ""


def reaction_to_ticket(old_status: str | None, new_status: str, incident_status: str) -> Reaction:
	"""A ticket's status moved without the bridge asking for it (a customer's reply, the customer
	closing it, an agent in the ticketing app): what happens to the incident."""
	if old_status == new_status or old_status is None:
		return Reaction("none")
	if old_status in DONE_TICKET and new_status not in DONE_TICKET:
		return reaction_to_customer_reply(incident_status)  # reopened: a reply, whoever sent it
	if new_status in DONE_TICKET and incident_status in OPEN_STATUSES:
		return Reaction(
			"note_closed_by_customer",
			f"the ticket was set to {new_status} while the incident is {incident_status}: the incident stays open",
		)
	return Reaction("none")


def reaction_to_customer_reply(incident_status: str) -> Reaction:
	"""The customer replied (an incoming message on the ticket, or on the incident by email or the
	portal)."""
	if incident_status == "Resolved":
		return Reaction("reopen", "the customer replied after the resolution")
	if incident_status in ("Closed", "Cancelled"):
		return Reaction(
			"note_reply_after_close", f"the customer replied but the incident is {incident_status}"
		)
	return Reaction("none")


@dataclass(frozen=True)
class CustomerChoice:
	customer_type: str | None
	customer: str | None
	note: str = ""


def choose_customer(
	ticket_customer: tuple[str, str] | None, contact_customers: list[tuple[str, str]]
) -> CustomerChoice:
	"""The ticket's own customer wins; else the contact's only customer; a contact linked to several
	customers gives none, with a note that says which (the agent chooses)."""
	if ticket_customer and ticket_customer[1]:
		return CustomerChoice(*ticket_customer)
	unique = sorted(set(contact_customers))
	if len(unique) == 1:
		return CustomerChoice(*unique[0])
	if len(unique) > 1:
		names = ", ".join(f"{name} ({doctype})" for doctype, name in unique)
		return CustomerChoice(None, None, f"the caller belongs to several customers ({names}): choose one")
	return CustomerChoice(None, None)


def map_priority(priority: str | None, mapping: dict[str, str]) -> str | None:
	return mapping.get(priority or "")
