"""The desk's boards: Kanban Boards of incidents by status and by support group, and of changes by
status. Frappe's Kanban moves a card by saving the record's field, so the incident's lifecycle,
priority and SLA rules apply to every move (a move the lifecycle forbids is refused with its
message). Created once at install (and by a patch on sites that had the app before); an admin may
edit or delete them afterwards, and a new support group gets its column."""

import json

import frappe

from itil_crm.service_level.incident_clock import OPEN_STATUSES

INCIDENT_STATUS = "ITIL Incidents by Status"
INCIDENT_GROUP = "ITIL Incidents by Support Group"
CHANGE_STATUS = "ITIL Changes by Status"
COLOURS = {
	"New": "Red",
	"Assigned": "Orange",
	"In Progress": "Blue",
	"On Hold": "Gray",
	"Resolved": "Green",
	"Closed": "Gray",
	"Draft": "Gray",
	"Assessment": "Orange",
	"Authorized": "Light Blue",
	"Scheduled": "Blue",
	"Implementing": "Red",
	"Review": "Purple",
}
CARD_FIELDS = {
	"ITIL Incident": ["priority", "sla_status", "support_group", "resolution_by"],
	"ITIL Change": ["change_type", "risk", "planned_start"],
}


def _options(doctype: str, fieldname: str) -> list[str]:
	return [o for o in (frappe.get_meta(doctype).get_field(fieldname).options or "").split("\n") if o]


def _board(name: str, doctype: str, fieldname: str, columns: list[str], filters: list) -> None:
	if frappe.db.exists("Kanban Board", name):
		return
	card_fields = [f for f in CARD_FIELDS[doctype] if frappe.get_meta(doctype).has_field(f)]
	frappe.get_doc(
		{
			"doctype": "Kanban Board",
			"kanban_board_name": name,
			"reference_doctype": doctype,
			"field_name": fieldname,
			"private": 0,
			"show_labels": 1,
			"fields": json.dumps(card_fields),
			# Frappe reads the first filter of a board that has any: none is left unset, not "[]"
			"filters": json.dumps(filters) if filters else None,
			"columns": [
				{"column_name": c, "status": "Active", "indicator": COLOURS.get(c, "Blue")} for c in columns
			],
		}
	).insert(ignore_permissions=True)


def ensure_boards() -> None:
	"""Create the boards that are missing (install, patch); never rewrites one an admin changed."""
	statuses = [s for s in _options("ITIL Incident", "status") if s != "Cancelled"]
	_board(
		INCIDENT_STATUS, "ITIL Incident", "status", statuses, [["ITIL Incident", "status", "!=", "Cancelled"]]
	)
	groups = frappe.get_all("ITIL Support Group", order_by="tier asc, name asc", pluck="name")
	open_only = [["ITIL Incident", "status", "in", list(OPEN_STATUSES)]]
	_board(INCIDENT_GROUP, "ITIL Incident", "support_group", groups, open_only)
	changes = [
		s for s in _options("ITIL Change", "status") if s not in ("Rejected", "Cancelled", "Backed Out")
	]
	_board(CHANGE_STATUS, "ITIL Change", "status", changes, [])


def add_group_column(doc, method=None) -> None:
	"""doc_events: a new support group gets its column on the board by support group."""
	if not frappe.db.exists("Kanban Board", INCIDENT_GROUP):
		return
	# locked from the read: two groups created at once each add their column, none is refused
	board = frappe.get_doc("Kanban Board", INCIDENT_GROUP, for_update=True)
	if any(c.column_name == doc.name for c in board.columns):
		return
	board.append("columns", {"column_name": doc.name, "status": "Active", "indicator": "Blue", "order": "[]"})
	board.save(ignore_permissions=True)


def remove_boards() -> None:
	"""Uninstall: the boards of our doctypes (Kanban Board has no module to be removed with)."""
	for name in frappe.get_all(
		"Kanban Board", filters={"reference_doctype": ["like", "ITIL %"]}, pluck="name"
	):
		frappe.delete_doc("Kanban Board", name, ignore_permissions=True, force=True)
