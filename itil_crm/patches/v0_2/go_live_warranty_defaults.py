"""Sites installed before the warranty rules get the defaults of ITIL Settings > Go-Lives (a value
already stored, even 0 or empty, is kept), and the items of the seeded checklist template that have no
category yet get the category, owner role, due date and evidence flag of the default plan."""

import frappe

from itil_crm.setup.default_data import GO_LIVE_CHECKLIST, GO_LIVE_TEMPLATE, SETTINGS
from itil_crm.setup.seed import go_live_plan

FIELDS = (
	"default_warranty_days",
	"go_live_reminder_days",
	"route_warranty_incidents",
	"exit_mandatory_items",
	"warranty_blocking_priority",
	"warranty_sla_target",
	"go_live_override_role",
)


def execute():
	stored = set(
		frappe.db.sql_list(
			"select field from `tabSingles` where doctype = 'ITIL Settings' and field in %(f)s",
			{"f": list(FIELDS)},
		)
	)
	for field in FIELDS:
		value = SETTINGS[field]
		if field in stored:
			continue
		if field == "warranty_blocking_priority" and not frappe.db.exists("ITIL Priority", value):
			continue
		frappe.db.set_single_value("ITIL Settings", field, value)
	if not frappe.db.exists("ITIL Go-Live Checklist Template", GO_LIVE_TEMPLATE):
		return
	plan = {en: row for (_req, en, _fr, _exit), row in zip(GO_LIVE_CHECKLIST, go_live_plan(), strict=True)}
	for item in frappe.get_all(
		"ITIL Go-Live Checklist Template Item",
		filters={"parent": GO_LIVE_TEMPLATE, "parenttype": "ITIL Go-Live Checklist Template"},
		fields=["name", "task_en", "category"],
	):
		if not item.category and item.task_en in plan:
			frappe.db.set_value(
				"ITIL Go-Live Checklist Template Item", item.name, plan[item.task_en], update_modified=False
			)
