"""A support group's members receive its incidents through Frappe's Assignment Rule (round robin or
load balancing, chosen per group): the assignment shows in ToDo, the sidebar and notifications.

Each group with members and an assignment mode keeps one rule, "ITIL <group>", for ITIL Incident:
assign while the incident is open in that group, unassign when it leaves the group (so a change of
group reassigns within the new one), close when it is resolved. Assigning moves a New incident to
Assigned. A group without an active member has its rule disabled, and an incident that reaches it
says so on its timeline instead of waiting unseen.
"""

import json

import frappe
from frappe import _

from itil_crm.engines.lifecycle import OPEN_STATUSES

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def rule_name(group: str) -> str:
	return f"ITIL {group}"


def active_members(group) -> list[str]:
	users = [m.user for m in group.members]
	if not users:
		return []
	enabled = set(frappe.get_all("User", filters={"name": ["in", users], "enabled": 1}, pluck="name"))
	return [u for u in users if u in enabled]


def mode_of(group) -> str:
	return group.get("assignment") or "Off"


def sync_rule(group, method=None) -> None:
	"""ITIL Support Group on_update: create, update or disable the group's Assignment Rule."""
	name = rule_name(group.name)
	users = active_members(group)
	mode = mode_of(group)
	exists = frappe.db.exists("Assignment Rule", name)
	if mode == "Off" or not users:
		if exists:
			frappe.db.set_value("Assignment Rule", name, "disabled", 1)
		return
	rule = frappe.get_doc("Assignment Rule", name) if exists else frappe.new_doc("Assignment Rule")
	literal = json.dumps(group.name)
	rule.update(
		{
			"document_type": "ITIL Incident",
			"priority": 1,
			"disabled": 0,
			"description": _("Incidents of the support group {0} go to its members ({1}).").format(
				group.name, _(mode)
			),
			"rule": mode,
			"assign_condition": f"support_group == {literal} and status in {OPEN_STATUSES!r}",
			"unassign_condition": f"support_group != {literal}",
			"close_condition": "status in ('Resolved', 'Closed', 'Cancelled')",
			"users": [{"user": u} for u in users],
			"assignment_days": [{"day": d} for d in WEEKDAYS],
		}
	)
	rule.flags.ignore_permissions = True
	if exists:
		rule.save()
	else:
		rule.insert(set_name=name)
	if group.get("assignment_rule") != rule.name:
		group.db_set("assignment_rule", rule.name, update_modified=False)


def remove_rule(group, method=None) -> None:
	if frappe.db.exists("Assignment Rule", rule_name(group.name)):
		frappe.delete_doc("Assignment Rule", rule_name(group.name), ignore_permissions=True, force=True)


def on_assignment(todo, method=None) -> None:
	"""ToDo after_insert: an incident assigned by hand (sidebar, Assign To) while New becomes Assigned.
	(The group's rule assigns within the incident's own save, which made it Assigned already.)"""
	if todo.reference_type != "ITIL Incident" or not todo.reference_name or todo.status != "Open":
		return
	if frappe.db.get_value("ITIL Incident", todo.reference_name, "status") == "New":
		incident = frappe.get_doc("ITIL Incident", todo.reference_name)
		incident.status = "Assigned"
		incident.flags.ignore_permissions = True
		incident.save()


def take_into_group(incident) -> list[str]:
	"""The assignment step of an incident's save: a New incident in a group whose rule assigns it becomes
	Assigned (Frappe's Assignment Rule then assigns it, once this save is written); an open incident that
	reaches a group nobody can work in says so. Returns the notes for its timeline."""
	if incident.status not in OPEN_STATUSES or not incident.support_group:
		return []
	before = incident.get_doc_before_save()
	moved = not before or before.support_group != incident.support_group
	if incident.status != "New" and not moved:
		return []  # nothing to decide: the group's members are not read on every save
	group = frappe.get_cached_doc("ITIL Support Group", incident.support_group)
	if mode_of(group) == "Off":
		return []
	staffed = bool(active_members(group))
	if incident.status == "New" and staffed:
		incident.status = "Assigned"
	if staffed or not moved:
		return []
	message = _("Support group {0} has no active member: nobody was assigned.").format(group.name)
	frappe.msgprint(message, indicator="orange", alert=True)
	return [message]


def sync_all() -> None:
	"""After install / migrate: every group's rule matches its members and mode."""
	for name in frappe.get_all("ITIL Support Group", pluck="name"):
		sync_rule(frappe.get_doc("ITIL Support Group", name))
