"""The ticketing platforms an incident can come from, as plain data (no frappe import).

Each platform is a ticket doctype of an optional app; the bridge reads and writes it through these
names only, so a new platform is one more entry here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
	doctype: str  # the ticket doctype
	app: str  # the app that must be installed
	channel: str  # the ITIL Channel of incidents it raises
	type_field: str  # the ticket's type field
	type_doctype: str
	priority_doctype: str
	customer_doctype: str  # what the ticket's `customer` field links to
	default_priorities: tuple[tuple[str, str], ...]  # ITIL Priority -> ticket priority, first found wins


PLATFORMS = {
	"HD Ticket": Platform(
		doctype="HD Ticket",
		app="helpdesk",
		channel="Helpdesk Ticket",
		type_field="ticket_type",
		type_doctype="HD Ticket Type",
		priority_doctype="HD Ticket Priority",
		customer_doctype="HD Customer",
		default_priorities=(
			("P1 Critical", "Urgent"),
			("P2 High", "High"),
			("P3 Moderate", "Medium"),
			("P4 Low", "Low"),
			("P5 Planning", "Low"),
		),
	),
	"Issue": Platform(
		doctype="Issue",
		app="erpnext",
		channel="ERPNext Issue",
		type_field="issue_type",
		type_doctype="Issue Type",
		priority_doctype="Issue Priority",
		customer_doctype="Customer",
		default_priorities=(
			("P1 Critical", "High"),
			("P2 High", "High"),
			("P3 Moderate", "Medium"),
			("P4 Low", "Low"),
			("P5 Planning", "Low"),
		),
	),
}

INCIDENT_TICKET_TYPE = "Incident"


def platform_of(doctype: str | None) -> Platform | None:
	return PLATFORMS.get(doctype or "")
