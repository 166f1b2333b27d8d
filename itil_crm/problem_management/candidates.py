"""Problem candidates (R6): incidents that keep coming back on the same configuration item, or on CIs
of the same business service, become one candidate problem, and the problem managers are told.

Hourly, set-based and idempotent: two queries find the groups (the business services through one
recursive CTE up the CMDB graph); each group gives one problem and one UPDATE that links its
incidents; incidents linked to a problem are never counted again, so a re-run creates nothing.
Thresholds: ITIL Settings > Problems (default 3 incidents within 7 days).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.utils import add_days, cint, now_datetime

SERVICE_DEPTH = 5
WINDOW = """i.opened_on >= %(since)s and ifnull(i.problem, '') = '' and ifnull(i.duplicate_of, '') = ''
	and i.status != 'Cancelled' and ifnull(i.configuration_item, '') != ''"""

BY_CI = f"""
select i.configuration_item as ci, group_concat(i.name order by i.opened_on, i.name) as incidents
from `tabITIL Incident` i
where {WINDOW}
group by i.configuration_item
having count(*) >= %(least)s
order by count(*) desc, i.configuration_item
"""

BY_SERVICE = f"""
with recursive up (origin, ci, depth) as (
	select distinct i.configuration_item, i.configuration_item, 0
	from `tabITIL Incident` i where {WINDOW}
	union
	select up.origin, r.parent, up.depth + 1
	from up
	join `tabITIL CI Relationship` r on r.target_ci = up.ci and r.parenttype = 'ITIL Configuration Item'
	join `tabITIL CI Relationship Type` t on t.name = r.relationship_type and t.propagates_impact = 1
	where up.depth < {SERVICE_DEPTH}
),
services as (
	select distinct up.origin, up.ci as service
	from up join `tabITIL Configuration Item` c on c.name = up.ci and c.ci_type = 'Business Service'
	where up.depth > 0
)
select s.service, group_concat(i.name order by i.opened_on, i.name) as incidents
from `tabITIL Incident` i join services s on s.origin = i.configuration_item
where {WINDOW}
group by s.service
having count(*) >= %(least)s and count(distinct i.configuration_item) >= 2
order by count(*) desc, s.service
"""


def thresholds() -> tuple[int, int]:
	settings = frappe.get_cached_doc("ITIL Settings")
	return (
		max(cint(settings.get("problem_candidate_min_incidents")) or 3, 2),
		max(cint(settings.get("problem_candidate_window_days")) or 7, 1),
	)


def run() -> list[str]:
	"""Scheduler entry point; returns the candidate problems created."""
	least, days = thresholds()
	params = {"since": add_days(now_datetime(), -days), "least": least}
	taken: set[str] = set()
	created = []
	for row in frappe.db.sql(BY_CI, params, as_dict=True):
		created += _raise(row.incidents.split(","), least, taken, ci=row.ci)
	for row in frappe.db.sql(BY_SERVICE, params, as_dict=True):
		created += _raise(row.incidents.split(","), least, taken, service=row.service)
	if created:
		_tell_problem_managers(created)
	return created


def _raise(incidents: list[str], least: int, taken: set[str], ci=None, service=None) -> list[str]:
	free = [name for name in incidents if name not in taken]  # an incident goes to one problem only
	if len(free) < least:
		return []
	target = ci or service
	label = frappe.db.get_value("ITIL Configuration Item", target, "ci_name") or target
	cis = (
		[ci]
		if ci
		else frappe.get_all(
			"ITIL Incident", filters={"name": ["in", free]}, pluck="configuration_item", distinct=True
		)
	)
	title = (
		_("Candidate: {0} incidents on {1}") if ci else _("Candidate: {0} incidents on business service {1}")
	).format(len(free), label)
	problem = frappe.get_doc(
		{
			"doctype": "ITIL Problem",
			"title": title[:140],
			"raised_automatically": 1,
			"description": _(
				"Raised by itil_crm: {0} incidents not linked to a problem, within the window."
			).format(len(free))
			+ "<ul>"
			+ "".join(f"<li>{frappe.utils.escape_html(name)}</li>" for name in free)
			+ "</ul>",
			"affected_cis": [{"configuration_item": c} for c in sorted(set(cis))],
		}
	)
	problem.flags.ignore_permissions = True
	problem.insert()
	frappe.db.sql(
		"""update `tabITIL Incident` set problem = %(problem)s
		where name in %(names)s and ifnull(problem, '') = ''""",
		{"problem": problem.name, "names": free},
	)
	taken.update(free)
	return [problem.name]


def _tell_problem_managers(problems: list[str]) -> None:
	managers = frappe.db.sql_list(
		"""select distinct u.name from `tabHas Role` r join `tabUser` u on u.name = r.parent
		where r.parenttype = 'User' and r.role = 'ITIL Problem Manager' and u.enabled = 1"""
	)
	if not managers:
		return
	for name in problems:
		enqueue_create_notification(
			managers,
			{
				"type": "Alert",
				"document_type": "ITIL Problem",
				"document_name": name,
				"from_user": "Administrator",
				"subject": _("New candidate problem {0}: {1}").format(
					name, frappe.db.get_value("ITIL Problem", name, "title")
				),
			},
		)
