"""Rows the app itself adds to an incident in a save (its SLA events, its OLA / UC legs): kept aside while
the incident is validated, then appended to their table and written in one statement per table.

Frappe validates every child row field by field and writes it with a statement of its own, and on every
save rewrites every row of every table and deletes the rows missing from the form: on an incident that is
most of the cost of an insert. The rows made here come from the app's own code (fixed kinds, values it
has just computed), so they skip that row-by-row validation; they are read together with the stored rows
(:func:`rows`) while the incident is validated, and written when the incident is (:func:`write`, called
by ``ITILIncident.db_insert`` and ``update_child_table``).

The SLA event log (``sla_events``) is moreover append-only: a save only adds its new rows, and never
rewrites nor deletes a stored one, so a stale copy of the form or an API call sending the table without
some rows cannot rewrite or erase the history the clock is computed from.
"""

import frappe
from frappe.model.naming import make_autoname

EVENTS = "sla_events"
LEGS = "legs"
TABLES = (LEGS, EVENTS)  # the tables whose new rows are written here
APPEND_ONLY = frozenset({EVENTS})
GROWING = frozenset({"escalations"})  # rows are added (and may be edited), never deleted by a save


def own_event_log(doc) -> None:
	"""The event log is the app's. A new incident's starts empty (rows a caller sends are dropped; a Data
	Import keeps them); a stored incident's is the one in the database (read by this save, the row
	locked): a stale or partial copy in the form counts for nothing, and new rows follow on."""
	if doc.is_new():
		if not frappe.flags.in_import:
			doc.set(EVENTS, [])
		return
	before = doc.get_doc_before_save()
	if before is not None:
		doc.set(EVENTS, [row.as_dict() for row in before.get(EVENTS)])


def pending(doc, field: str) -> list[frappe._dict]:
	"""The rows of this save not yet in the table ``field`` (added by :func:`add`)."""
	waiting = doc.flags.get("rows_to_write")
	if waiting is None:
		waiting = doc.flags.rows_to_write = {}
	return waiting.setdefault(field, [])


def add(doc, field: str, values: dict) -> frappe._dict:
	"""A new row of ``field``, written with the incident; returned so that this save may still set it."""
	row = frappe._dict(values)
	pending(doc, field).append(row)
	return row


def rows(doc, field: str) -> list:
	"""The table as this save sees it: its stored rows, then the new ones."""
	return [*doc.get(field), *pending(doc, field)]


def write(doc, field: str) -> int:
	"""Append the new rows of ``field`` to the table and insert every row not yet written (all of them on
	an insert) in one statement; how many."""
	waiting = pending(doc, field)
	for values in waiting:
		doc.append(field, values)
	waiting.clear()
	new = [row for row in doc.get(field) or () if row.is_new() and not row.flags.written]
	if not new:
		return 0
	values, columns = [], None
	for row in new:
		row.parent, row.parenttype, row.parentfield = doc.name, doc.doctype, field
		if not row.name:  # Frappe's name for a child row (a hash), without its naming hooks and rules
			row.name = make_autoname("hash", row.doctype)
		if not row.creation:
			row.creation = row.modified = doc.modified
			row.owner = row.modified_by = doc.modified_by
		valid = row.get_valid_dict(convert_dates_to_str=True, ignore_virtual=True)
		columns = columns or list(valid)
		values.extend(valid[c] for c in columns)
	one = "(" + ", ".join(["%s"] * len(columns)) + ")"
	frappe.db.sql(
		f"insert into `tab{new[0].doctype}` ({', '.join(f'`{c}`' for c in columns)}) "
		f"values {', '.join([one] * len(new))}",
		values,
	)
	for row in new:
		row.flags.written = True  # Frappe's own insert loop over the children skips it
		row.set("__islocal", False)
	return len(new)


def number_new_rows(doc, field: str) -> None:
	"""New rows of a growing table follow the stored ones (a sweep may have added rows since the form was
	loaded)."""
	new = [row for row in doc.get(field) or () if row.is_new() or not row.name]
	if not new:
		return
	last = frappe.db.sql(
		f"select coalesce(max(idx), 0) from `tab{new[0].doctype}` where parent = %s and parenttype = %s"
		" and parentfield = %s",
		(doc.name, doc.doctype, field),
	)[0][0]
	for i, row in enumerate(new, start=1):
		row.idx = last + i


def delete_missing(doc, field: str, keep: list[str]) -> int:
	"""Delete the stored rows of ``field`` that the saved document no longer has, by name (a plain read
	finds them: no range lock on the parent index; a row another transaction added meanwhile is not
	seen, so it is kept); how many."""
	child = doc.meta.get_field(field).options
	stored = frappe.db.sql_list(
		f"select name from `tab{child}` where parent = %s and parenttype = %s and parentfield = %s",
		(doc.name, doc.doctype, field),
	)
	gone = sorted(set(stored) - set(keep))
	if gone:
		frappe.db.sql(f"delete from `tab{child}` where name in %(names)s", {"names": gone})
	return len(gone)
