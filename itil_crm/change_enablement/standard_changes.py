"""Standard changes (R10): a change of type Standard follows a pre-authorised template, approved once by
a change manager. The template gives the plans and the risk; a disabled template no longer authorises
anything; a change may not plan a longer window than its template allows."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, time_diff_in_hours

PLANS = ("implementation_plan", "test_plan", "backout_plan")


def apply_template(change) -> None:
	"""Before save of an ITIL Change."""
	if change.change_type != "Standard":
		change.standard_template = None
		return
	if not change.standard_template:
		if change.is_new() or change.status in ("Draft", "Assessment"):
			frappe.throw(
				_(
					"A standard change follows a pre-authorised template: choose its Standard Change Template."
				),
				frappe.ValidationError,
				title=_("Standard change"),
			)
		return  # a standard change that went through before templates existed keeps its history
	template = frappe.db.get_value(
		"ITIL Standard Change Template",
		change.standard_template,
		["enabled", "risk", "max_duration_hours", *PLANS],
		as_dict=True,
	)
	if not template:
		frappe.throw(
			_("Standard Change Template {0} does not exist.").format(change.standard_template),
			frappe.ValidationError,
		)
	if not template.enabled and change.status in ("Draft", "Assessment"):
		frappe.throw(
			_("Standard Change Template {0} is disabled: it no longer pre-authorises changes.").format(
				change.standard_template
			),
			frappe.ValidationError,
			title=_("Standard change"),
		)
	for plan in PLANS:
		if not (change.get(plan) or "").strip():
			change.set(plan, template.get(plan))
	change.risk = template.risk or change.risk
	limit = flt(template.max_duration_hours)
	if limit > 0 and change.planned_start and change.planned_end:
		hours = time_diff_in_hours(get_datetime(change.planned_end), get_datetime(change.planned_start))
		if hours > limit:
			frappe.throw(
				_(
					"The planned window lasts {0} hours; Standard Change Template {1} allows at most {2}."
				).format(round(hours, 2), change.standard_template, limit),
				frappe.ValidationError,
			)
