"""SLA alerts (ITIL SLA Alert): raised by the sweep and by incident saves, delivered by Frappe's Notifications.

Raising and delivering are two steps, so that the sweep never holds the incidents it swept locked while
mails are composed:

1. The sweep raises its alerts in the transaction that writes the clocks' state: the ITIL SLA Alert rows and
   the hierarchical escalation rows in one statement each, the alerts marked *pending*. They exist only if
   that transaction commits, so a sweep that dies raised nothing, and a second sweep raises nothing again.
2. A background job (``deliver_pending``, enqueued after that commit and run every five minutes for any left
   behind) takes a batch of pending alerts (``FOR UPDATE SKIP LOCKED``) and hands each to every enabled
   Notification on ITIL SLA Alert with the event *New*, through Frappe's own ``evaluate_alert``: the
   Notification's condition, recipients, templates and channels (in-app, email through the Email Queue,
   Slack, SMS) are Frappe's. Then it clears the mark and commits; a job killed half-way rolls its batch back
   and the next run delivers it.

Admins edit the seeded Notifications (recipients, templates, on / off) or add their own on *New*. An alert
carries its incident's assignees (``incident_assignees``, their email addresses when it was raised): a
Notification with *Send To All Assignees* reaches the incident's assignees, as a Notification on the
incident would (the alert itself is never assigned).
"""

from __future__ import annotations

import frappe
from frappe.email.doctype.notification.notification import evaluate_alert

from itil_crm.frappe_fixes.deadlocks import only_one
from itil_crm.notifications import for_incident_assignees
from itil_crm.service_level import site_time
from itil_crm.service_level.bulk_records import insert_records

ALERT = "ITIL SLA Alert"
BATCH = 200
COLUMNS = (
	"incident",
	"clock",
	"threshold",
	"level",
	"subject",
	"priority",
	"due_by",
	"alert_on",
	"support_group",
	"group_lead",
	"assigned_to",
	"incident_assignees",
)
ESCALATION_COLUMNS = (
	"incident",
	"escalation_type",
	"trigger",
	"from_group",
	"threshold",
	"reason",
	"notified",
	"escalated_on",
)


def notifications() -> list:
	"""The enabled Notifications on new ITIL SLA Alerts."""
	names = frappe.get_all(
		"Notification", filters={"document_type": ALERT, "event": "New", "enabled": 1}, pluck="name"
	)
	return [frappe.get_cached_doc("Notification", n) for n in names]


def group_lead(group: str | None) -> str | None:
	return frappe.get_cached_value("ITIL Support Group", group, "group_lead") if group else None


def raise_alerts(rows: list[dict], escalations: list[dict], now) -> list[str]:
	"""Insert the alerts (pending delivery) and their escalation rows; the alerts' names."""
	if not rows:
		return []
	pending = int(bool(notifications()))
	assignees = assignees_of({row["incident"] for row in rows})
	names = insert_records(
		ALERT,
		("pending_delivery", *COLUMNS),
		[
			{
				**row,
				"pending_delivery": pending,
				"assigned_to": next(iter(assignees.get(row["incident"], {})), None),
				"incident_assignees": ",".join(assignees.get(row["incident"], {}).values()) or None,
			}
			for row in rows
		],
		now,
	)
	insert_records(
		"ITIL Escalation",
		ESCALATION_COLUMNS,
		[{"escalation_type": "Hierarchical", "trigger": "Automatic", **e} for e in escalations],
		now,
	)
	if pending:
		frappe.enqueue(
			"itil_crm.service_level.sla_alerts.deliver_pending",
			queue="short",
			enqueue_after_commit=True,
			now=bool(frappe.flags.in_test),
		)
	return names


def assignees_of(incidents) -> dict[str, dict[str, str]]:
	"""The enabled users an incident is assigned to (open ToDos, oldest first), with their email: one query."""
	if not incidents:
		return {}
	todo, user = frappe.qb.DocType("ToDo"), frappe.qb.DocType("User")
	rows = (
		frappe.qb.from_(todo)
		.join(user)
		.on(user.name == todo.allocated_to)
		.select(todo.reference_name, todo.allocated_to, user.email)
		.where(
			(todo.reference_type == "ITIL Incident")
			& todo.reference_name.isin(list(incidents))
			& (todo.status == "Open")
			& (user.enabled == 1)
		)
		.orderby(todo.creation)
	).run()
	found: dict[str, dict[str, str]] = {}
	for incident, allocated_to, email in rows:
		if email:
			found.setdefault(incident, {})[allocated_to] = email
	return found


def leg_alert(leg, now) -> dict:
	"""The Breached alert of an OLA / UC leg, to its group's lead."""
	return {
		"incident": leg.incident,
		"clock": leg.agreement_type if leg.agreement_type in ("OLA", "UC") else "OLA",
		"threshold": 100,
		"level": "Breached",
		"subject": (leg.subject or "")[:140],
		"priority": leg.priority,
		"due_by": leg.due_by,
		"alert_on": site_time.naive(now),
		"support_group": leg.support_group,
		"group_lead": group_lead(leg.support_group),
	}


def incident_leg_alert(incident, leg, now) -> dict:
	"""The Breached alert of one of this incident's legs (``incident``: the incident or its row)."""
	return leg_alert(
		frappe._dict(
			incident=incident.name,
			agreement_type=leg.agreement_type,
			subject=incident.subject,
			priority=incident.priority,
			due_by=leg.due_by,
			support_group=leg.support_group,
		),
		now,
	)


def alert_leg_breaches(doc, legs: list, now) -> list[str]:
	"""The OLA / UC breaches an incident's save recorded first, alerted as the sweep alerts them."""
	if not legs or frappe.flags.in_import:
		return []
	rows = [incident_leg_alert(doc, leg, now) for leg in legs]
	return raise_alerts(rows, [], site_time.naive(now))


def deliver_pending(limit: int = BATCH) -> int:
	"""The background job: pending alerts handed to their Notifications, a batch per transaction. One run at
	a time on a site: each Notification Log marks its user's bell unseen (a row of Notification Settings),
	and two runs delivering to the same users in different orders deadlocked; a second run leaves the
	alerts to the one under way (what it cannot deliver stays pending for the next)."""
	with only_one("itil_crm.sla_alerts.deliver_pending") as mine:
		return _deliver_pending(limit) if mine else 0


def _deliver_pending(limit: int) -> int:
	rules = [for_incident_assignees(rule) for rule in notifications()]
	delivered = 0
	while True:
		names = frappe.db.sql_list(
			f"""select name from `tabITIL SLA Alert` where pending_delivery = 1
			order by creation limit {int(limit)} for update skip locked"""
		)
		if not names:
			break
		done = []
		for name in names:
			if _deliver(frappe.get_doc(ALERT, name), rules):
				done.append(name)
		if done:
			frappe.db.set_value(ALERT, {"name": ["in", done]}, "pending_delivery", 0, update_modified=False)
		delivered += len(done)
		if frappe.flags.in_test or len(done) < len(names):
			break  # what failed is tried again by the next run
		frappe.db.commit()
	return delivered


def _deliver(alert, rules) -> bool:
	"""Every Notification for one alert, as Frappe runs them on a new document. A Notification that fails
	(a broken template) is logged, and the alert stays pending: nothing of it is sent, it is tried again."""
	frappe.db.savepoint("itil_sla_alert")
	try:
		for rule in rules:
			evaluate_alert(alert, rule, "New")
	except Exception:
		frappe.db.rollback(save_point="itil_sla_alert")
		frappe.clear_last_message()
		frappe.log_error(title=f"ITIL SLA Alert {alert.name} not delivered", reference_doctype=ALERT)
		return False
	return True
