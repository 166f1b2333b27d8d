"""The alerts between problems, known errors and incidents (R6), each fired once, on the move that
causes it:

- a known error's workaround changes: the assignees of the open incidents linked to it are told;
- a known error's permanent fix is done (Fixed): its open problems are resolved;
- a problem is resolved: its open incidents get a comment and, if ITIL Settings says so, are resolved
  (resolution code Permanent Fix);
- a problem moved to Known Error without one: the known error is created from it and linked.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification

from itil_crm.engines.lifecycle import OPEN_STATUSES


def _moved(doc, field: str) -> bool:
	before = doc.get_doc_before_save()
	return bool(before) and (before.get(field) or "") != (doc.get(field) or "")


def on_known_error_update(doc, method=None) -> None:
	if _moved(doc, "workaround") and (doc.workaround or "").strip():
		tell_assignees_of_new_workaround(doc)
	if _moved(doc, "permanent_fix_status") and doc.permanent_fix_status == "Fixed":
		resolve_problems_of(doc)


def tell_assignees_of_new_workaround(known_error) -> list[str]:
	incidents = frappe.get_all(
		"ITIL Incident",
		filters={"known_error": known_error.name, "status": ["in", OPEN_STATUSES]},
		pluck="name",
	)
	if not incidents:
		return []
	users = sorted(
		set(
			frappe.get_all(
				"ToDo",
				filters={
					"reference_type": "ITIL Incident",
					"reference_name": ["in", incidents],
					"status": "Open",
				},
				pluck="allocated_to",
			)
		)
		- {None, ""}
	)
	if users:
		enqueue_create_notification(
			users,
			{
				"type": "Alert",
				"document_type": "ITIL Known Error",
				"document_name": known_error.name,
				"from_user": frappe.session.user,
				"subject": _(
					"The workaround of known error {0} ({1}) changed: {2} open incident(s) use it."
				).format(known_error.name, known_error.title, len(incidents)),
				"email_content": known_error.workaround,
			},
		)
	return users


def resolve_problems_of(known_error) -> list[str]:
	names = frappe.get_all(
		"ITIL Problem",
		filters={"known_error": known_error.name, "status": ["in", ("Under Investigation", "Known Error")]},
		pluck="name",
	)
	for name in names:
		problem = frappe.get_doc("ITIL Problem", name)
		problem.status = "Resolved"
		problem.flags.ignore_permissions = True
		problem.save()
		problem.add_comment(
			"Info", _("Resolved: the permanent fix of known error {0} is done.").format(known_error.name)
		)
	return names


def on_problem_update(doc, method=None) -> None:
	if _moved(doc, "status") and doc.status == "Resolved":
		follow_resolved_problem(doc)


def follow_resolved_problem(problem) -> list[str]:
	incidents = frappe.get_all(
		"ITIL Incident", filters={"problem": problem.name, "status": ["in", OPEN_STATUSES]}, pluck="name"
	)
	resolve = frappe.db.get_single_value("ITIL Settings", "resolve_incidents_with_problem")
	note = _("Problem {0} ({1}) is resolved.").format(problem.name, problem.title)
	for name in incidents:
		incident = frappe.get_doc("ITIL Incident", name)
		if resolve:
			incident.update(
				{
					"status": "Resolved",
					"resolution_code": "Permanent Fix",
					"resolution_notes": incident.resolution_notes
					or problem.root_cause
					or problem.workaround
					or note,
				}
			)
			incident.flags.ignore_permissions = True
			incident.save()
		incident.add_comment("Info", note)
	return incidents


def known_error_from_problem(problem) -> str:
	"""A problem moved to Known Error without one: the known error it documents, created from it."""
	known_error = frappe.get_doc(
		{
			"doctype": "ITIL Known Error",
			"title": problem.title,
			"symptoms": problem.description or problem.title,
			"root_cause": problem.root_cause,
			"workaround": problem.workaround,
			"published": 1 if (problem.workaround or "").strip() else 0,
			"affected_cis": [
				{"configuration_item": row.configuration_item} for row in problem.get("affected_cis") or []
			],
		}
	)
	known_error.flags.ignore_permissions = True
	known_error.insert()
	return known_error.name
