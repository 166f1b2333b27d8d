"""The post-go-live warranty period at work (R7-R11); the rules are in itil_crm.engines.warranty.

- An incident raised on a configuration item covered by a go-live in its warranty is a warranty
  incident: marked, routed to the project's support group and optionally given a higher impact
  (ITIL Settings > Go-Lives).
- The exit criteria are evaluated on each save of the go-live and shown on it; the go-live closes only
  when they hold, or when a holder of the override role closes it with a reason.
- A daily job moves go-lives into their warranty and to their final review, and reminds the owners
  of checklist items due or overdue; a re-run changes nothing and sends nothing twice.
"""

from __future__ import annotations

from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, getdate, today

from itil_crm.engines import warranty as rules
from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.notifications import alert
from itil_crm.record_access import record
from itil_crm.service_transition import qos


def stakeholder_roles() -> list[str]:
	return frappe.get_meta("ITIL Go-Live Stakeholder").get_field("stakeholder_role").options.split("\n")


def settings():
	return frappe.get_cached_doc("ITIL Settings")


# --- warranty incidents ---------------------------------------------------------------------------


def covering_go_live(cis: set[str], on) -> frappe._dict | None:
	"""The go-live in warranty on `on` (a date) that covers one of these CIs, the latest first."""
	if not cis:
		return None
	rows = frappe.db.sql(
		"""select gl.name, gl.support_group
		from `tabITIL Go-Live` gl
		join `tabITIL Affected CI` ci on ci.parent = gl.name and ci.parenttype = 'ITIL Go-Live'
		where gl.status in %(statuses)s and ci.configuration_item in %(cis)s
			and gl.go_live_date <= %(on)s and (gl.warranty_end is null or gl.warranty_end >= %(on)s)
		order by gl.go_live_date desc, gl.name desc
		limit 1""",
		{"statuses": rules.IN_WARRANTY, "cis": tuple(cis), "on": on},
		as_dict=True,
	)
	return rows[0] if rows else None


def mark_incident(incident) -> list[str]:
	"""The warranty step of an incident's save, before its priority is set: a new or re-classified open
	incident on a covered CI is marked as a warranty incident and routed once, when it is marked. Returns
	the notes for its timeline."""
	if incident.warranty_go_live or incident.status not in OPEN_STATUSES:
		return []
	cis = {incident.configuration_item} | {row.configuration_item for row in incident.affected_cis or []}
	cis.discard(None)
	if not cis:
		return []
	if not incident.is_new():
		before = incident.get_doc_before_save()
		old = (
			{before.configuration_item} | {r.configuration_item for r in before.affected_cis or []}
			if before
			else set()
		)
		if cis <= old:
			return []  # nothing new to look at (the hot path of an update costs no query)
	go_live = covering_go_live(cis, getdate(incident.opened_on))
	if not go_live:
		return []
	incident.warranty_go_live = go_live.name
	notes = [_("Warranty incident of go-live {0}.").format(go_live.name)]
	if cint(settings().route_warranty_incidents) and go_live.support_group:
		if incident.support_group != go_live.support_group:
			notes.append(_("Routed to the project's support group {0}.").format(go_live.support_group))
		incident.support_group = go_live.support_group
	return notes


def incidents(go_live: str) -> list[frappe._dict]:
	"""The go-live's warranty incidents (cancelled ones aside) with their priority's rank: one query that
	the dashboard and the exit criteria share."""
	return frappe.db.sql(
		"""select inc.name, inc.priority, p.rank, inc.status, inc.sla_status, 1 as n
		from `tabITIL Incident` inc left join `tabITIL Priority` p on p.name = inc.priority
		where inc.warranty_go_live = %s and inc.status != 'Cancelled'""",
		go_live,
		as_dict=True,
	)


def summary(go_live: str, rows: list | None = None) -> list[dict]:
	"""Warranty incidents of a go-live by priority: counts, open, breached, SLA compliance."""
	by_priority: dict[str, dict] = {}
	for r in incidents(go_live) if rows is None else rows:
		entry = by_priority.setdefault(
			r.priority or "",
			{
				"priority": r.priority,
				"rank": r.rank,
				"incidents": 0,
				"open": 0,
				"breached": 0,
				"statuses": [],
			},
		)
		entry["incidents"] += r.n
		entry["open"] += r.n if r.status in OPEN_STATUSES else 0
		entry["breached"] += r.n if r.sla_status in rules.BREACHED else 0
		entry["statuses"] += [r.sla_status] * r.n
	result = []
	for entry in sorted(by_priority.values(), key=lambda e: (e["rank"] is None, e["rank"] or 0)):
		entry["sla_compliance"] = rules.sla_compliance(entry.pop("statuses"))
		result.append(entry)
	return result


@frappe.whitelist()
@checked
def warranty_summary(go_live: str) -> dict:
	"""For the go-live form: its warranty incidents by priority and its exit criteria."""
	doc = record("ITIL Go-Live", go_live)
	rows = incidents(go_live)
	criteria = evaluate(doc, rows)
	return {
		"by_priority": summary(go_live, rows),
		"sla_compliance": rules.sla_compliance(r.sla_status for r in rows),
		"target": flt(settings().warranty_sla_target) or None,
		"criteria": [c.__dict__ for c in criteria],
		"criteria_text": describe(criteria),
	}


# --- exit criteria --------------------------------------------------------------------------------


def exit_rules() -> rules.ExitRules:
	s = settings()
	blocking = s.warranty_blocking_priority
	rank = frappe.get_cached_value("ITIL Priority", blocking, "rank") if blocking else None
	return rules.ExitRules(
		mandatory_items=bool(cint(s.exit_mandatory_items)),
		blocking_rank=cint(rank) if blocking else None,
		sla_target=flt(s.warranty_sla_target) or None,
	)


def evaluate(go_live, rows: list | None = None) -> list[rules.Criterion]:
	if rows is None:
		rows = [] if go_live.is_new() else incidents(go_live.name)
	objectives = qos.objectives(go_live)
	return rules.exit_criteria(
		[(row.task, bool(row.is_exit_criterion), bool(row.done)) for row in go_live.checklist],
		[(r.name, r.rank) for r in rows if r.status in OPEN_STATUSES],
		[r.sla_status for r in rows],
		replace(exit_rules(), qos=objectives),
		qos.values(go_live, objectives) if objectives else None,
	)


def describe(criteria: list[rules.Criterion]) -> str:
	lines = []
	for c in criteria:
		mark = "✔" if c.met else "✘"
		if c.key == "mandatory_items":
			text = (
				_("Every mandatory checklist item is done")
				if c.met
				else _("Mandatory items not done: {0}").format("; ".join(c.failing))
			)
		elif c.key == "open_incidents":
			text = (
				_("No open warranty incident at the blocking priority")
				if c.met
				else _("Open warranty incidents at the blocking priority: {0}").format(", ".join(c.failing))
			)
		elif c.key.startswith("qos_"):
			text = qos.describe(c)
		else:
			target = flt(settings().warranty_sla_target)
			text = (
				_("No warranty incident under an agreement yet (target {0} %)").format(target)
				if c.value is None
				else _("SLA compliance of the warranty incidents: {0} % (target {1} %)").format(
					c.value, target
				)
			)
		lines.append(f"{mark} {text}")
	return "\n".join(lines)


def may_override() -> bool:
	role = settings().go_live_override_role or "ITIL Change Manager"
	return frappe.session.user == "Administrator" or bool({role, "System Manager"} & set(frappe.get_roles()))


SIGN_OFF_ROLES = {"ITIL Change Manager", "System Manager"}


def may_sign_off() -> bool:
	"""Closing the warranty period is the go-live's owners' (a change manager), or the override role's;
	engineers write the go-live to tick its checklist."""
	return may_override() or bool(SIGN_OFF_ROLES & set(frappe.get_roles()))


# --- the daily job --------------------------------------------------------------------------------


def run() -> dict:
	"""Daily: the go-lives' scheduled moves, then the checklist reminders. Idempotent."""
	day = getdate(today())
	moved = 0
	for row in frappe.get_all(
		"ITIL Go-Live",
		filters={"status": ["in", ("Planned", *rules.IN_WARRANTY)], "go_live_date": ["<=", day]},
		fields=["name", "status", "go_live_date", "warranty_end"],
	):
		moves = rules.scheduled_moves(row.status, getdate(row.go_live_date), _date(row.warranty_end), day)
		if not moves:
			continue
		frappe.db.savepoint("itil_go_live_move")
		try:
			_move(row.name, moves)
			moved += 1
		except Exception:
			frappe.db.rollback(save_point="itil_go_live_move")
			frappe.log_error(title=f"ITIL Go-Live {row.name}: the warranty job could not move it")
	return {"moved": moved, "reminded": remind(day)}


def _date(value):
	return getdate(value) if value else None


def _move(name: str, moves: list[str]) -> None:
	doc = frappe.get_doc("ITIL Go-Live", name)
	for status in moves:
		doc.status = status
		doc.flags.ignore_permissions = True
		doc.save()
	if doc.status == "Final Review":
		alert(
			[doc.project_manager or doc.owner],
			"ITIL Go-Live",
			doc.name,
			_("The warranty period of go-live {0} ({1}) has ended: hold its final review.").format(
				doc.name, doc.title
			),
		)
	_commit()


def _commit() -> None:
	"""One go-live, one reminder at a time: a failure later in the run does not undo what was done."""
	if not frappe.flags.in_test:
		frappe.db.commit()


def remind(day) -> int:
	"""One reminder per item when it comes due and one when it is overdue (the stage is stored on the
	item in the same transaction as the notification)."""
	lead = cint(settings().go_live_reminder_days)
	items = frappe.db.sql(
		"""select item.name, item.parent, item.task, item.due_date, item.reminder_stage,
			item.owner_role, item.assigned_to
		from `tabITIL Go-Live Checklist Item` item
		join `tabITIL Go-Live` gl on gl.name = item.parent
		where item.parenttype = 'ITIL Go-Live' and gl.status != 'Closed' and ifnull(item.done, 0) = 0
			and item.due_date is not null and item.due_date <= %(horizon)s
			and ifnull(item.reminder_stage, '') != 'overdue'""",
		{"horizon": add_days(day, max(lead, 0))},
		as_dict=True,
	)
	sent = 0
	go_lives = {}
	for item in items:
		stage = rules.reminder_stage(getdate(item.due_date), day, False, lead, item.reminder_stage)
		if not stage:
			continue
		if item.parent not in go_lives:
			go_lives[item.parent] = frappe.get_doc("ITIL Go-Live", item.parent)
		doc = go_lives[item.parent]
		subject = (
			_("Go-live {0}: “{1}” is overdue (due {2}).")
			if stage == "overdue"
			else _("Go-live {0}: “{1}” is due on {2}.")
		).format(doc.name, (item.task or "")[:120], frappe.format(item.due_date, "Date"))
		alert(owners(doc, item), "ITIL Go-Live", doc.name, subject)
		frappe.db.set_value(
			"ITIL Go-Live Checklist Item", item.name, "reminder_stage", stage, update_modified=False
		)
		_commit()
		sent += 1
	return sent


def owners(go_live, item) -> list[str]:
	"""Who is reminded of an item: its assignee, else the users holding its owner role on the go-live
	(the stakeholders of that role, the support group's members, the change's owner), else the project
	manager."""
	users: list[str] = []
	role = item.owner_role
	if item.assigned_to:
		users = [item.assigned_to]
	elif role in stakeholder_roles():
		users = [s.user for s in go_live.stakeholders if s.stakeholder_role == role and s.user]
	elif role == "Support Group" and go_live.support_group:
		users = frappe.get_all(
			"ITIL Support Group Member", filters={"parent": go_live.support_group}, pluck="user"
		)
	elif role == "Change Manager" and go_live.change:
		users = [frappe.db.get_value("ITIL Change", go_live.change, "owner")]
	users = [u for u in dict.fromkeys(users) if u]
	return users or [go_live.project_manager or go_live.owner]
