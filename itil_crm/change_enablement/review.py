"""Post-implementation review (R10): the incidents that followed a change on its CIs are listed for
the review, the outcome is required to close, and a successful change moves on the problems and known
errors it fixes (R6): its known errors become Fixed (which resolves their problems, see
problem_management.alerts) and its problems still open are resolved."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_datetime, now_datetime

AFTER = """
select distinct i.name, i.subject, i.priority, i.status
from `tabITIL Incident` i
left join `tabITIL Affected CI` a on a.parent = i.name and a.parenttype = 'ITIL Incident'
where (i.configuration_item in %(cis)s or a.configuration_item in %(cis)s)
	and i.opened_on >= %(start)s and i.opened_on < %(end)s
order by i.name
"""


def incidents_after(change) -> list[dict]:
	"""Incidents on the change's CIs opened from the start of its implementation to N days after it."""
	cis = [row.configuration_item for row in change.get("affected_cis") or [] if row.configuration_item]
	start = change.actual_start or change.planned_start
	if not cis or not start:
		return []
	days = cint(frappe.get_cached_doc("ITIL Settings").get("change_review_days")) or 7
	end = add_days(get_datetime(change.actual_end or change.planned_end or now_datetime()), days)
	return frappe.db.sql(AFTER, {"cis": cis, "start": get_datetime(start), "end": end}, as_dict=True)


def on_status(change, previous: str | None) -> None:
	"""ITIL Change validate, after the move was allowed."""
	if change.status in ("Review", "Closed"):
		found = incidents_after(change)
		change.incidents_after_change = (
			"\n".join(f"{r.name} ({r.priority or '-'}, {_(r.status)}): {r.subject}" for r in found) or None
		)
	if change.status == "Closed" and previous != "Closed":
		if not change.review_outcome:
			frappe.throw(
				_("Record the outcome of the post-implementation review before closing the change."),
				frappe.ValidationError,
			)
		if change.review_outcome == "Successful":
			change.flags.move_fixed_on = True


def move_fixed_on(change) -> None:
	"""ITIL Change on_update: what a successful change fixes moves on, once (at close)."""
	if not change.flags.move_fixed_on:
		return
	change.flags.move_fixed_on = False
	for row in change.get("known_errors") or []:
		known_error = frappe.get_doc("ITIL Known Error", row.known_error)
		if known_error.permanent_fix_status != "Fixed":
			known_error.permanent_fix_status = "Fixed"
			known_error.flags.ignore_permissions = True
			known_error.save()  # its problems are resolved by the known error's own alert
			known_error.add_comment("Info", _("Fixed by change {0}.").format(change.name))
	for row in change.get("problems") or []:
		status = frappe.db.get_value("ITIL Problem", row.problem, "status")
		if status in ("Under Investigation", "Known Error"):
			problem = frappe.get_doc("ITIL Problem", row.problem)
			problem.status = "Resolved"
			problem.flags.ignore_permissions = True
			problem.save()
			problem.add_comment("Info", _("Resolved by change {0}.").format(change.name))
