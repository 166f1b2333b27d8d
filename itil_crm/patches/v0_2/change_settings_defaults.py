"""Sites installed before 0.2 get the defaults of ITIL Settings > Changes (conflicts flagged, related
CIs two relationships away) and of Problems; a value already stored, even 0, is kept."""

import frappe

DEFAULTS = {
	"change_conflict_policy": "Flag",
	"change_conflict_depth": 2,
	"change_review_days": 7,
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
