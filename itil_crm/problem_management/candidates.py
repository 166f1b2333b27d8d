"""Problem candidates (R6): incidents that keep coming back on the same configuration item, or on CIs
of the same business service, become one candidate problem, and the problem managers are told.

Hourly, set-based and idempotent: one query reads the window's incidents, which gives the groups by
CI; for the business services, their reach is walked down the CMDB graph a level at a time (one query
per level, each CI once per service); each group gives one problem and one UPDATE that links its
incidents; incidents linked to a problem are never counted again, so a re-run creates
nothing.
An incident proposed once in a candidate is recorded (ITIL Candidate Incident) and never counts again:
a wrong candidate, dismissed (``dismiss``) or unlinked on its incidents' forms, is not proposed again at
the next run. Incidents that come after it count on their own: as many new ones as the threshold make a
new candidate, of them only.
Thresholds: ITIL Settings > Problems (default 3 incidents within 7 days).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification
from frappe.utils import add_days, cint, now_datetime

from itil_crm.frappe_fixes.whitelisted_arguments import checked

SERVICE_DEPTH = 5
# the biggest groups first, this many a run: a storm of recurring incidents gives the problem managers
# the worst cases to look at now and the rest at the next runs, not thousands of problems at once
MAX_PER_RUN = 50
PROPOSED = "ITIL Candidate Incident"
WINDOW = """i.opened_on >= %(since)s and ifnull(i.problem, '') = '' and ifnull(i.duplicate_of, '') = ''
	and i.status != 'Cancelled' and ifnull(i.configuration_item, '') != ''
	and not exists (select 1 from `tabITIL Candidate Incident` c where c.incident = i.name)"""

IN_WINDOW = f"""
select i.name, i.configuration_item as ci
from `tabITIL Incident` i
where {WINDOW}
order by i.opened_on, i.name
"""

EDGES = """
select r.parent, r.target_ci
from `tabITIL CI Relationship` r
join `tabITIL CI Relationship Type` t on t.name = r.relationship_type and t.propagates_impact = 1
where r.parenttype = 'ITIL Configuration Item' and r.parent in %(nodes)s
"""
CHUNK = 5000


def thresholds() -> tuple[int, int]:
	settings = frappe.get_cached_doc("ITIL Settings")
	return (
		max(cint(settings.get("problem_candidate_min_incidents")) or 3, 2),
		max(cint(settings.get("problem_candidate_window_days")) or 7, 1),
	)


def groups(least: int, days: int) -> list[tuple[list[str], str | None, str | None]]:
	"""(incidents, ci, service) of every group over the threshold, the biggest first: by CI, then by
	business service. One query reads the window's incidents; the services' reach is walked one level
	at a time (a statement per level and 5,000 CIs)."""
	on_ci: dict[str, list[str]] = {}
	for name, ci in frappe.db.sql(IN_WINDOW, {"since": add_days(now_datetime(), -days)}):
		on_ci.setdefault(ci, []).append(name)
	by_ci = sorted(
		((names, ci, None) for ci, names in on_ci.items() if len(names) >= least),
		key=lambda g: (-len(g[0]), g[1]),
	)
	by_service = []
	for service, cis in services_above(set(on_ci)).items():
		incidents = [name for ci in sorted(cis) for name in on_ci[ci]]
		if len(incidents) >= least and len(cis) >= 2:
			by_service.append((incidents, None, service))
	by_service.sort(key=lambda g: (-len(g[0]), g[2]))
	return by_ci + by_service


def services_above(cis: set[str]) -> dict[str, set[str]]:
	"""Business service -> the CIs among `cis` it depends on, within SERVICE_DEPTH hops along the
	relationships that propagate impact (walked down from the services, each CI once per service)."""
	services = frappe.get_all(
		"ITIL Configuration Item", filters={"ci_type": "Business Service"}, pluck="name"
	)
	reach = {s: {s} for s in services}
	frontier = {s: {s} for s in services}
	for _depth in range(SERVICE_DEPTH):
		nodes = sorted(set().union(*frontier.values())) if frontier else []
		if not nodes:
			break
		below: dict[str, list[str]] = {}
		for start in range(0, len(nodes), CHUNK):
			for parent, target in frappe.db.sql(EDGES, {"nodes": nodes[start : start + CHUNK]}):
				below.setdefault(parent, []).append(target)
		nxt = {}
		for service, front in frontier.items():
			new = {t for n in front for t in below.get(n, ())} - reach[service]
			if new:
				reach[service] |= new
				nxt[service] = new
		frontier = nxt
	return {s: (r - {s}) & cis for s, r in reach.items() if (r - {s}) & cis}


def run(limit: int = MAX_PER_RUN) -> list[str]:
	"""Scheduler entry point; returns the candidate problems created."""
	least, days = thresholds()
	taken: set[str] = set()
	created = []
	for incidents, ci, service in groups(least, days):
		if len(created) >= limit:
			break
		created += _raise(incidents, least, taken, ci=ci, service=service)
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
	remember(problem.name, free, target)
	taken.update(free)
	return [problem.name]


def remember(problem: str, incidents: list[str], target: str | None) -> None:
	"""The incidents proposed in a candidate: one statement, one row each."""
	now, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		PROPOSED,
		["name", "incident", "problem", "configuration_item", "dismissed", "creation", "modified", "owner",
		 "modified_by"],
		[(frappe.generate_hash(length=12), name, problem, target, 0, now, now, user, user) for name in incidents],
	)  # fmt: skip


@frappe.whitelist(methods=["POST"])
@checked
def dismiss(problem: str, reason: str | None = None) -> int:
	"""A wrong candidate problem: its incidents are unlinked (and never counted toward a candidate
	again), the problem is closed with the reason. Write permission on the problem; returns how many
	incidents were unlinked."""
	if not frappe.db.exists("ITIL Problem", problem):
		frappe.throw(_("Problem {0} does not exist.").format(problem), frappe.DoesNotExistError)
	doc = frappe.get_doc("ITIL Problem", problem)
	doc.check_permission("write")
	if not doc.raised_automatically:
		frappe.throw(_("Problem {0} was not raised automatically.").format(problem), frappe.ValidationError)
	if doc.status not in ("New", "Under Investigation"):
		frappe.throw(
			_("Only a candidate problem that is New or Under Investigation can be dismissed."),
			frappe.ValidationError,
		)
	reason = (reason or "").strip()[:1000]
	incidents = frappe.get_all("ITIL Incident", filters={"problem": problem}, pluck="name")
	known = set(frappe.get_all(PROPOSED, filters={"problem": problem}, pluck="incident"))
	# linked by hand after the job: they are dismissed with it all the same
	remember(problem, [name for name in incidents if name not in known], None)
	frappe.db.set_value(
		PROPOSED, {"problem": problem}, {"dismissed": 1, "dismissal_reason": reason}, update_modified=False
	)
	if incidents:
		frappe.db.sql(
			"update `tabITIL Incident` set problem = null, modified = %(now)s where problem = %(problem)s",
			{"problem": problem, "now": now_datetime()},
		)
	doc.status = "Closed"
	doc.save()
	doc.add_comment(
		"Info",
		_("Candidate dismissed: {0} incidents unlinked. {1}").format(len(incidents), reason).strip(),
	)
	return len(incidents)


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
