"""Schedule conflicts of a change (R10): another change whose planned window overlaps and that touches
the same CI or a CI related through the CMDB (ITIL Settings > Changes > Conflict Depth), and the freeze
windows of ITIL Settings. Flagged on the change; refused at Authorized / Scheduled / Implementing when
the policy is Block. Two statements: the related CIs (one recursive CTE), the overlapping changes."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, format_datetime, get_datetime

from itil_crm.configuration_management.impact import related
from itil_crm.engines.change_conflicts import Conflict, Window, find_conflicts

HOLDING = ("Assessment", "Authorized", "Scheduled", "Implementing")  # changes that hold their slot
COMMITTED = ("Authorized", "Scheduled", "Implementing")  # the moves a Block policy refuses

OVERLAPPING = """
select c.name, c.planned_start, c.planned_end, a.configuration_item
from `tabITIL Change` c
join `tabITIL Affected CI` a on a.parent = c.name and a.parenttype = 'ITIL Change'
where c.name != %(name)s and c.status in %(holding)s
	and c.planned_start < %(end)s and c.planned_end > %(start)s
	and a.configuration_item in %(cis)s
"""


def conflicts_of(change) -> list[Conflict]:
	if not (change.planned_start and change.planned_end):
		return []
	settings = frappe.get_cached_doc("ITIL Settings")
	window = Window(get_datetime(change.planned_start), get_datetime(change.planned_end))
	cis = [row.configuration_item for row in change.get("affected_cis") or [] if row.configuration_item]
	depth = (
		cint(settings.get("change_conflict_depth"))
		if settings.get("change_conflict_depth") is not None
		else 2
	)
	reach = related(cis, depth)
	others: dict[str, tuple[Window, set[str]]] = {}
	if reach:
		for name, start, end, ci in frappe.db.sql(
			OVERLAPPING,
			{
				"name": change.name or "",
				"holding": HOLDING,
				"start": window.start,
				"end": window.end,
				"cis": list(reach),
			},
		):
			others.setdefault(name, (Window(get_datetime(start), get_datetime(end)), set()))[1].add(ci)
	freezes = [
		(row.reason, Window(get_datetime(row.freeze_start), get_datetime(row.freeze_end)))
		for row in settings.get("change_freeze_windows") or []
	]
	return find_conflicts(window, reach, [(n, w, c) for n, (w, c) in others.items()], freezes)


def describe(conflict: Conflict) -> str:
	span = f"{format_datetime(conflict.start)} - {format_datetime(conflict.end)}"
	if conflict.kind == "freeze":
		return _("Freeze window {0} ({1})").format(conflict.with_, span)
	return _("Change {0} ({1}) on {2}").format(conflict.with_, span, ", ".join(conflict.cis))


def check(change) -> None:
	"""ITIL Change validate: write the conflicts on the change; refuse a committing move under Block."""
	found = conflicts_of(change)
	text = "\n".join(describe(c) for c in found)
	change.schedule_conflicts = text or None
	if not found:
		return
	policy = frappe.get_cached_doc("ITIL Settings").get("change_conflict_policy") or "Flag"
	if policy == "Block" and change.status in COMMITTED:
		frappe.throw(
			_(
				"The planned window conflicts with: {0}. Move the window, or ask for the conflict policy to be Flag."
			).format("; ".join(describe(c) for c in found)),
			frappe.ValidationError,
			title=_("Schedule Conflict"),
		)
	before = change.get_doc_before_save()
	if not before or (before.schedule_conflicts or "") != text:
		frappe.msgprint(
			"<br>".join(frappe.utils.escape_html(describe(c)) for c in found),
			title=_("Schedule Conflicts"),
			indicator="orange",
		)
