"""Impact analysis on the CMDB: what a configuration item breaks (upstream: everything that depends on
it, up to the business services) and what it stands on (downstream), to a depth, with the open
incidents, problems and changes on that set.

A relationship row on CI A says "A <type> B" (A depends on / runs on / is hosted on ... B). Only the
relationship types that propagate impact are walked. The walk is one recursive CTE (cycle-safe: each
(CI, direction, depth) row appears once and the depth is bounded), and the records on the set are one
more query. With the CI itself, loaded once for the permission check (its row and its relationships),
four statements whatever the size of the CMDB and whoever asks.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.frappe_fixes.whitelisted_arguments import checked

CI = "ITIL Configuration Item"
MAX_DEPTH = 10
BUSINESS_SERVICE = "Business Service"
UP, DOWN = 1, 2  # what depends on the CI; what it depends on
OPEN = {
	"ITIL Incident": OPEN_STATUSES,
	"ITIL Problem": ("New", "Under Investigation", "Known Error"),
	"ITIL Change": ("Draft", "Assessment", "Authorized", "Scheduled", "Implementing", "Review"),
}

CTE = """
with recursive walk (ci, direction, depth, via, relationship) as (
	-- the anchor's columns come from the tables, so later rows keep their type and collation
	select c.name, d.direction, 0, nullif(c.name, c.name), nullif(c.name, c.name)
	from `tabITIL Configuration Item` c join (select 1 as direction union select 2) d
	where c.name in %(cis)s
	union
	select r.parent, 1, w.depth + 1, w.ci, r.relationship_type
	from walk w
	join `tabITIL CI Relationship` r on r.target_ci = w.ci and r.parenttype = 'ITIL Configuration Item'
	join `tabITIL CI Relationship Type` t on t.name = r.relationship_type and t.propagates_impact = 1
	where w.direction = 1 and w.depth < %(depth)s
	union
	select r.target_ci, 2, w.depth + 1, w.ci, r.relationship_type
	from walk w
	join `tabITIL CI Relationship` r on r.parent = w.ci and r.parenttype = 'ITIL Configuration Item'
	join `tabITIL CI Relationship Type` t on t.name = r.relationship_type and t.propagates_impact = 1
	where w.direction = 2 and w.depth < %(depth)s
)
"""

WALK = (
	CTE
	+ """
select w.ci, w.direction, w.depth, w.via, w.relationship, c.ci_name, c.ci_type, c.environment,
	c.criticality, c.lifecycle_status
from walk w join `tabITIL Configuration Item` c on c.name = w.ci
where w.depth > 0
order by w.direction, w.depth, w.ci, w.via
"""
)

RELATED = CTE + "select distinct ci from walk"

RECORDS = """
select 'ITIL Incident' as doctype, i.name, i.subject as title, i.status, i.priority,
	i.configuration_item as ci
from `tabITIL Incident` i
where i.configuration_item in %(cis)s and i.status in %(incident_open)s
union
select 'ITIL Incident', i.name, i.subject, i.status, i.priority, a.configuration_item
from `tabITIL Affected CI` a join `tabITIL Incident` i on i.name = a.parent
where a.parenttype = 'ITIL Incident' and a.configuration_item in %(cis)s and i.status in %(incident_open)s
union
select 'ITIL Problem', p.name, p.title, p.status, p.priority, a.configuration_item
from `tabITIL Affected CI` a join `tabITIL Problem` p on p.name = a.parent
where a.parenttype = 'ITIL Problem' and a.configuration_item in %(cis)s and p.status in %(problem_open)s
union
select 'ITIL Change', c.name, c.title, c.status, null, a.configuration_item
from `tabITIL Affected CI` a join `tabITIL Change` c on c.name = a.parent
where a.parenttype = 'ITIL Change' and a.configuration_item in %(cis)s and c.status in %(change_open)s
"""


def walk(ci: str, depth: int = 3) -> dict[str, list[dict]]:
	"""Each CI reached, once per direction, at its shortest distance, with the CI it was reached from
	(for a tree) and the relationship that carried the impact."""
	seen: dict[tuple[str, str], dict] = {}
	for row in frappe.db.sql(WALK, {"cis": [ci], "depth": depth}, as_dict=True):
		key = (row.direction, row.ci)
		if key not in seen and row.ci != ci:  # the first row is the shortest (ordered by depth)
			row.is_business_service = row.ci_type == BUSINESS_SERVICE
			seen[key] = row
	return {
		"upstream": [r for (d, _c), r in seen.items() if d == UP],
		"downstream": [r for (d, _c), r in seen.items() if d == DOWN],
	}


def related(cis: list[str], depth: int) -> set[str]:
	"""The CIs and everything related to them up and down to `depth`, in one statement."""
	if not cis:
		return set()
	if depth <= 0:
		return set(cis)
	return set(frappe.db.sql_list(RELATED, {"cis": list(cis), "depth": depth})) | set(cis)


def open_records(cis: list[str]) -> dict[str, list[dict]]:
	out: dict[str, list[dict]] = {doctype: [] for doctype in OPEN}
	if not cis:
		return out
	rows = frappe.db.sql(
		RECORDS,
		{
			"cis": cis,
			"incident_open": OPEN["ITIL Incident"],
			"problem_open": OPEN["ITIL Problem"],
			"change_open": OPEN["ITIL Change"],
		},
		as_dict=True,
	)
	seen = set()
	for row in rows:
		if (row.doctype, row.name) not in seen and frappe.has_permission(row.doctype, "read"):
			seen.add((row.doctype, row.name))
			out[row.doctype].append(row)
	return out


@frappe.whitelist()
@checked
def impact_analysis(ci: str, depth: int = 3) -> dict:
	"""Upstream and downstream of a CI to `depth` (1 to 10), the business services it supports and the
	open incidents, problems and changes on the CI and everything reached."""
	depth = cint(depth)
	if not 1 <= depth <= MAX_DEPTH:
		frappe.throw(_("Depth must be between 1 and {0}.").format(MAX_DEPTH), frappe.ValidationError)
	if not isinstance(ci, str) or not ci:
		frappe.throw(_("Configuration item {0} does not exist.").format(ci), frappe.DoesNotExistError)
	# loaded once, and the permission checked on it: frappe.has_permission(CI, "read", name) would load
	# it again for anyone but the Administrator (its user permissions look at its relationships too)
	try:
		doc = frappe.get_doc(CI, ci)
	except frappe.DoesNotExistError:
		frappe.clear_last_message()
		frappe.throw(_("Configuration item {0} does not exist.").format(ci), frappe.DoesNotExistError)
	doc.check_permission("read")
	reached = walk(ci, depth)
	cis = [ci] + sorted({r.ci for rows in reached.values() for r in rows})
	return {
		"ci": ci,
		"depth": depth,
		**reached,
		"business_services": [r.ci for r in reached["upstream"] if r.is_business_service],
		"records": open_records(cis),
	}
