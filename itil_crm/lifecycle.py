"""Frappe side of the lifecycles: enforce a doctype's state machine on save."""

import frappe
from frappe import _

from itil_crm.engines.lifecycle import Lifecycle, TransitionError


def previous_value(doc, fieldname: str = "status"):
	"""The value stored before this save, or None for a new document."""
	if doc.is_new():
		return None
	before = doc.get_doc_before_save()
	return before.get(fieldname) if before else frappe.db.get_value(doc.doctype, doc.name, fieldname)


def enforce(doc, lifecycle: Lifecycle, fieldname: str = "status") -> str | None:
	"""Raise a ValidationError naming the allowed moves unless the status change is allowed.

	Returns the previous status (None for a new record) so controllers can react to the move.
	"""
	current = previous_value(doc, fieldname)
	if current is None and (frappe.flags.in_import or frappe.flags.in_migrate or doc.flags.imported_history):
		# importing historical records: any valid state may be the first one
		current = doc.get(fieldname)
	roles = None if frappe.session.user == "Administrator" else set(frappe.get_roles())
	try:
		lifecycle.check(current, doc.get(fieldname), roles)
	except TransitionError as e:
		frappe.throw(_describe(e), frappe.ValidationError, title=_("Status change not allowed"))
	return current


def _describe(e: TransitionError) -> str:
	lifecycle, current, target = _(e.lifecycle), _(e.current or ""), _(e.target)
	if e.kind == "new":
		return _("A new {0} starts as {1}, not {2}.").format(lifecycle, _(e.allowed[0]), target)
	if e.kind == "unknown":
		return _("{0}: unknown status {1}. Valid statuses: {2}.").format(
			lifecycle, target, ", ".join(_(s) for s in e.allowed)
		)
	if e.kind == "role":
		return _("{0}: moving from {1} to {2} needs one of these roles: {3}.").format(
			lifecycle, current, target, ", ".join(_(r) for r in e.roles)
		)
	allowed = ", ".join(_(s) for s in e.allowed) or _("none (final status)")
	return _("{0}: cannot move from {1} to {2}. Allowed from {1}: {3}.").format(
		lifecycle, current, target, allowed
	)
