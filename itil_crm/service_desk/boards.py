"""The desk's boards: Kanban Boards of incidents by status and by support group, and of changes by
status. Frappe's Kanban moves a card by saving the record's field, so the incident's lifecycle,
priority and SLA rules apply to every move (a move the lifecycle forbids is refused with its
message). Created once at install (and by a patch on sites that had the app before); an admin may
edit or delete them afterwards, and a new support group gets its column."""

import json

import frappe

from itil_crm.engines.lifecycle import OPEN_STATUSES

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


def _group_board():
	"""The board by support group, locked from the read (two groups changed at once each get their
	column, none is refused), or None when an admin deleted it."""
	if not frappe.db.exists("Kanban Board", INCIDENT_GROUP):
		return None
	return frappe.get_doc("Kanban Board", INCIDENT_GROUP, for_update=True)


def _has_column(group: str) -> bool:
	return bool(
		frappe.db.exists(
			"Kanban Board Column",
			{"parenttype": "Kanban Board", "parent": INCIDENT_GROUP, "column_name": group},
		)
	)


def add_group_column(doc, method=None) -> None:
	"""doc_events on_update: a new support group gets its column on the board by support group. Saving a
	group that has its column neither locks nor rewrites the board."""
	if _has_column(doc.name):
		return
	board = _group_board()
	if board is None or any(c.column_name == doc.name for c in board.columns):
		return
	board.append("columns", {"column_name": doc.name, "status": "Active", "indicator": "Blue", "order": "[]"})
	board.save(ignore_permissions=True)


def drop_group_column(doc, method=None) -> None:
	"""doc_events on_trash: a deleted support group takes its column with it (the board would otherwise
	keep an empty column per group ever made, and every save of it rewrites them all)."""
	if not _has_column(doc.name):
		return
	board = _group_board()
	board.set("columns", [c for c in board.columns if c.column_name != doc.name])
	board.save(ignore_permissions=True)


def rename_group_column(doc, method=None, old: str | None = None, new: str | None = None, merge=False):
	"""doc_events after_rename: the column follows its group (merged into another group: one column)."""
	if not old or not new or not _has_column(old):
		return
	board = _group_board()
	if merge or any(c.column_name == new for c in board.columns):
		board.set("columns", [c for c in board.columns if c.column_name != old])
	else:
		for column in board.columns:
			if column.column_name == old:
				column.column_name = new
	board.save(ignore_permissions=True)


def drop_orphan_group_columns() -> int:
	"""Columns of the board by support group whose group no longer exists (left by deleted or renamed
	groups before 0.3.1), removed in one statement; returns how many. Idempotent."""
	column = frappe.qb.DocType("Kanban Board Column")
	group = frappe.qb.DocType("ITIL Support Group")
	orphans = (
		frappe.qb.from_(column)
		.left_join(group)
		.on(group.name == column.column_name)
		.select(column.name)
		.where(column.parenttype == "Kanban Board")
		.where(column.parent == INCIDENT_GROUP)
		.where(group.name.isnull())
	).run(pluck=True)
	if orphans:
		frappe.db.delete("Kanban Board Column", {"name": ["in", orphans]})
	return len(orphans)


def remove_boards() -> None:
	"""Uninstall: the boards of our doctypes (Kanban Board has no module to be removed with)."""
	for name in frappe.get_all(
		"Kanban Board", filters={"reference_doctype": ["like", "ITIL %"]}, pluck="name"
	):
		frappe.delete_doc("Kanban Board", name, ignore_permissions=True, force=True)
