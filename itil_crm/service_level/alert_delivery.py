"""SLA alerts delivered in bulk (issue 11).

The sweep raises its alerts in the transaction that writes the clocks' state, set-based: the ITIL SLA
Alert rows and the hierarchical escalation rows in one statement each, and the in-app notifications of
every enabled Frappe Notification on ITIL SLA Alert (event New, channel System Notification) in one
more, with their conditions, recipients (document field, role, cc / bcc, recipient conditions) and
subject / message templates read from the Notification as Frappe would. Admins keep editing the
Notifications (recipients, templates, on / off) as before.

Other channels (the seeded Email notification, Slack, SMS) are sent by a background job, in batches,
through Frappe's own Notification.send on each alert. Exactly once: an alert is marked *pending* in the
sweep's transaction; the job takes a batch with ``FOR UPDATE SKIP LOCKED``, sends (email goes to
Frappe's Email Queue, in the same transaction) and clears the mark, then commits: a job killed half-way
rolls its batch back whole and the next run sends it. The sweep itself never sends twice: its alerts
exist only if its transaction commits.
"""

from __future__ import annotations

import frappe
from frappe.email.doctype.notification.notification import get_context, get_emails_from_template
from frappe.utils import now_datetime, validate_email_address
from frappe.utils.jinja import get_jenv

ALERT = "ITIL SLA Alert"
TABLE = "tabITIL SLA Alert"
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
)


def notifications() -> list:
	"""The enabled Notifications on new ITIL SLA Alerts."""
	names = frappe.get_all(
		"Notification", filters={"document_type": ALERT, "event": "New", "enabled": 1}, pluck="name"
	)
	return [frappe.get_cached_doc("Notification", n) for n in names]


def raise_alerts(rows: list[dict], escalations: list[dict], now) -> list[str]:
	"""Insert the alerts and their escalation rows, deliver the in-app notifications; the names."""
	if not rows:
		return []
	rules = notifications()
	others = any(n.channel != "System Notification" for n in rules)
	user = frappe.session.user
	names = [frappe.generate_hash(length=10) for _ in rows]
	frappe.db.bulk_insert(
		ALERT,
		["name", "creation", "modified", "owner", "modified_by", "pending_delivery", *COLUMNS],
		[
			(name, now, now, user, user, int(others), *(row.get(c) for c in COLUMNS))
			for name, row in zip(names, rows, strict=True)
		],
	)
	_escalation_rows(escalations, now)
	docs = [
		frappe._dict(row, name=name, doctype=ALERT, owner=user, modified_by=user)
		for name, row in zip(names, rows, strict=True)
	]
	in_app(docs, [n for n in rules if n.channel == "System Notification"])
	if others:
		frappe.enqueue(
			"itil_crm.service_level.alert_delivery.deliver_pending", queue="short", enqueue_after_commit=True
		)
	return names


def _escalation_rows(escalations: list[dict], now) -> None:
	"""The hierarchical escalation rows, numbered after each incident's last one (two statements)."""
	if not escalations:
		return
	parents = sorted({e["parent"] for e in escalations})
	last = dict(
		frappe.db.sql(
			"""select parent, coalesce(max(idx), 0) from `tabITIL Escalation`
			where parenttype = 'ITIL Incident' and parent in %(p)s group by parent""",
			{"p": parents},
		)
	)
	user = frappe.session.user
	values = []
	for e in escalations:
		last[e["parent"]] = last.get(e["parent"], 0) + 1
		values.append(
			(
				frappe.generate_hash(length=10),
				now,
				now,
				user,
				user,
				e["parent"],
				"ITIL Incident",
				"escalations",
				last[e["parent"]],
				"Hierarchical",
				"Automatic",
				e.get("from_group"),
				e["threshold"],
				e["reason"],
				e["notified"],
				e["escalated_on"],
			)
		)
	frappe.db.bulk_insert(
		"ITIL Escalation",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"escalation_type",
			"trigger",
			"from_group",
			"threshold",
			"reason",
			"notified",
			"escalated_on",
		],
		values,
	)


def in_app(docs: list, rules: list) -> int:
	"""The Notification Logs of these alerts for these System Notification rules, in bulk."""
	if not docs or not rules:
		return 0
	role_emails: dict[str, list[str]] = {}
	planned = []  # (email, doc, subject, message)
	for rule in rules:
		subject_template, message_template = _compiled(rule.subject), _compiled(rule.message)
		base = get_context(None)  # its safe globals are built once, not once per alert
		for doc in docs:
			context = {**base, "doc": doc}
			if rule.condition and not frappe.safe_eval(rule.condition, None, context):
				continue
			context = {"doc": doc, "alert": rule, "comments": None}
			emails = _recipients(rule, doc, context, role_emails)
			if not emails:
				continue
			subject = subject_template(context)
			message = message_template(context)
			planned += [(email, doc, subject, message) for email in emails]
	if not planned:
		return 0
	users = _enabled_users({p[0] for p in planned})
	now = now_datetime()
	rows, seen = [], set()
	for email, doc, subject, message in planned:
		user = users.get(email)
		if not user or (user, doc.name, subject) in seen:
			continue
		seen.add((user, doc.name, subject))
		rows.append(
			(
				frappe.generate_hash(length=10),
				now,
				now,
				"Administrator",
				"Administrator",
				user,
				"Alert",
				subject,
				message,
				ALERT,
				doc.name,
				doc.modified_by or doc.owner,
				0,
			)
		)
	if not rows:
		return 0
	frappe.db.bulk_insert(
		"Notification Log",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"for_user",
			"type",
			"subject",
			"email_content",
			"document_type",
			"document_name",
			"from_user",
			"read",
		],
		rows,
	)
	targets = sorted({r[5] for r in rows})
	frappe.db.sql("update `tabNotification Settings` set seen = 0 where name in %(u)s", {"u": targets})
	for user in targets:
		frappe.publish_realtime("notification", after_commit=True, user=user)
	return len(rows)


def _compiled(template: str | None):
	"""A Notification template compiled once per run (as frappe.render_template would render it)."""
	template = template or ""
	if "{" not in template:
		return lambda context: template
	if ".__" in template:
		frappe.throw(frappe._("Illegal template"))
	return get_jenv().from_string(template).render


def _recipients(rule, doc, context, role_emails: dict) -> set[str]:
	"""As Notification.get_list_of_recipients, with each role's emails read once per run."""
	emails: set[str] = set()
	for recipient in rule.recipients:
		if recipient.condition and not frappe.safe_eval(recipient.condition, None, context):
			continue
		if recipient.receiver_by_document_field:
			value = doc.get(recipient.receiver_by_document_field.split(",")[0])
			if value and validate_email_address(value):
				emails.update(v.strip() for v in str(value).replace(",", "\n").split("\n") if v.strip())
		emails.update(get_emails_from_template(recipient.cc, context))
		emails.update(get_emails_from_template(recipient.bcc, context))
		if recipient.receiver_by_role:
			role = recipient.receiver_by_role
			if role not in role_emails:
				role_emails[role] = frappe.db.sql_list(
					"""select distinct u.email from `tabUser` u join `tabHas Role` r on r.parent = u.name
					where r.parenttype = 'User' and r.role = %s and u.enabled = 1
						and u.name not in ('Administrator', 'Guest')""",
					role,
				)
			emails.update(e for e in role_emails[role] if e)
	return emails


def _enabled_users(emails: set[str]) -> dict[str, str]:
	"""email -> user, for enabled users whose notifications are on (one statement)."""
	if not emails:
		return {}
	rows = frappe.db.sql(
		"""select u.email, u.name from `tabUser` u
		left join `tabNotification Settings` s on s.name = u.name
		where u.enabled = 1 and u.email in %(e)s and ifnull(s.enabled, 1) = 1""",
		{"e": tuple(emails)},
	)
	return dict(rows)


def deliver_pending(limit: int = BATCH) -> int:
	"""The background job: the other channels of pending alerts, a batch per transaction."""
	rules = [n for n in notifications() if n.channel != "System Notification"]
	base = get_context(None)  # safe globals built once per run
	sent = 0
	while True:
		names = frappe.db.sql_list(
			f"""select name from `{TABLE}` where pending_delivery = 1
			order by creation limit {int(limit)} for update skip locked"""
		)
		if not names:
			break
		for name in names:
			doc = frappe.get_doc(ALERT, name)
			for rule in rules:
				context = {**base, "doc": doc}
				if rule.condition and not frappe.safe_eval(rule.condition, None, context):
					continue
				rule.send(doc)
		frappe.db.sql(f"update `{TABLE}` set pending_delivery = 0 where name in %(n)s", {"n": names})
		if frappe.flags.in_test:
			break
		frappe.db.commit()
		sent += len(names)
	return sent
