"""Sites installed before 0.2 get the defaults of ITIL Settings > Changes (conflicts flagged, related
CIs two relationships away, quorums, review window, risk questions) and of Problems; a value already
stored, even 0, is kept, and questions already there are left alone."""

import frappe

from itil_crm.setup.default_data import CHANGE_RISK_QUESTIONS

DEFAULTS = {
	"change_conflict_policy": "Flag",
	"change_conflict_depth": 2,
	"change_review_days": 7,
	"cab_quorum": 2,
	"ecab_quorum": 1,
	"problem_candidate_min_incidents": 3,
	"problem_candidate_window_days": 7,
}


def execute():
	stored = set(
		frappe.db.sql_list(
			"select field from `tabSingles` where doctype = 'ITIL Settings' and field in %(f)s",
			{"f": list(DEFAULTS)},
		)
	)
	for field, value in DEFAULTS.items():
		if field not in stored:
			frappe.db.set_single_value("ITIL Settings", field, value)
	if not frappe.db.count("ITIL Change Risk Question", {"parent": "ITIL Settings"}):
		settings = frappe.get_single("ITIL Settings")
		for question, weight in CHANGE_RISK_QUESTIONS:
			settings.append("change_risk_questions", {"question": question, "weight": weight})
		settings.flags.ignore_permissions = True
		settings.save()
