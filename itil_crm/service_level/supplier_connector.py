"""The supplier connector out (R3): an incident handed to an external support group whose connector is
enabled is sent to the supplier's system, and so are its later status changes and the comments
written for the supplier. Every send is an ITIL Supplier Exchange with each attempt logged.

Nothing is lost when the supplier is down: an exchange is queued in the same transaction as the
change that causes it, delivered by a background job after commit, retried with exponential backoff
(or the supplier's Retry-After) on network errors, timeouts, 5xx and 429 by a sweep every minute,
failed after the connector's attempts (the external group's lead is told), re-tried hourly and by
the Resend action. It is delivered exactly once on our side (an exchange is claimed before sending,
Delivered is final) and carries an Idempotency-Key that stays the same across retries, so that a
retry after a timeout does not open a second ticket on the supplier's side.

The rules (outcome, backoff, reference) are pure: itil_crm.engines.supplier_exchange.
"""

from __future__ import annotations

import json
import time

import frappe
import requests
from frappe import _
from frappe.query_builder.functions import IfNull
from frappe.utils import add_to_date, cint, flt, now_datetime, strip_html

from itil_crm.engines.supplier_exchange import outcome, reference, retry_delay
from itil_crm.frappe_fixes.deadlocks import retried
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.notifications import alert
from itil_crm.service_level.legs import DOCTYPE as LEG
from itil_crm.service_level.legs import stored_legs

TABLE = "tabITIL Supplier Exchange"
SUPPLIER_TAG = "#supplier"  # a comment starting with it is sent to the supplier
EXCERPT = 2000
RECORD_RETRIES = 5


def connector_of(group: str | None, memo: dict | None = None):
	"""The enabled connector of a supplier group, or None; looked up once per group in ``memo``."""
	if not group:
		return None
	memo = {} if memo is None else memo
	if group not in memo:
		name = frappe.db.get_value("ITIL Supplier Connector", {"support_group": group, "enabled": 1})
		memo[group] = frappe.get_cached_doc("ITIL Supplier Connector", name) if name else None
	return memo[group]


# --- queueing (in the transaction of the change) --------------------------------------------------


def on_incident_saved(doc, legs: list) -> None:
	"""The supplier step of an incident's save (its ``legs`` as this save left them): a new UC leg to a
	connected supplier queues a Create; a status change of an incident already sent queues an Update."""
	if frappe.flags.itil_supplier_sync:
		return
	memo: dict = {}  # this save's lookups only
	for leg in legs:
		if not leg.is_external or leg.outcome != "Open":
			continue
		connector = connector_of(leg.support_group, memo)
		if connector and not frappe.db.exists("ITIL Supplier Exchange", {"leg": leg.name, "event": "Create"}):
			queue(connector, doc, leg, "Create")
	before = doc.get_doc_before_save()
	if before and before.status != doc.status:
		for leg, connector in _sent_legs(doc, legs, memo):
			queue(connector, doc, leg, "Update")


def _sent_legs(doc, legs: list | None = None, memo: dict | None = None) -> list:
	"""(leg, connector) of the UC legs of this incident whose Create was queued (open, or just closed by
	this save)."""
	memo = {} if memo is None else memo
	legs = stored_legs(doc.name) if legs is None else legs
	external = [
		(leg, connector)
		for leg in legs
		if leg.is_external and (connector := connector_of(leg.support_group, memo))
	]
	if not external:
		return []
	created = set(
		frappe.get_all(
			"ITIL Supplier Exchange",
			filters={
				"incident": doc.name,
				"event": "Create",
				"leg": ["in", [leg.name for leg, _connector in external]],
			},
			pluck="leg",
		)
	)
	return [(leg, connector) for leg, connector in external if leg.name in created]


def on_comment(doc, method=None) -> None:
	"""Comment after_insert: a comment on an incident starting with #supplier goes to the supplier of
	each UC leg already sent."""
	if doc.reference_doctype != "ITIL Incident" or doc.comment_type != "Comment":
		return
	text = strip_html(doc.content or "").strip()
	if not text.lower().startswith(SUPPLIER_TAG):
		return
	incident = frappe.get_doc("ITIL Incident", doc.reference_name)
	for leg, connector in _sent_legs(incident):
		queue(connector, incident, leg, "Update", comment=text[len(SUPPLIER_TAG) :].strip())


@frappe.whitelist(methods=["POST"])
@checked
def message_supplier(incident: str, message: str) -> str:
	"""From the incident form: a comment for the supplier (sent with the next delivery)."""
	if not isinstance(message, str) or not message.strip():
		frappe.throw(_("Write the message for the supplier."), frappe.ValidationError)
	if not isinstance(incident, str) or not frappe.db.exists("ITIL Incident", incident):
		frappe.throw(_("ITIL Incident {0} does not exist.").format(incident), frappe.DoesNotExistError)
	doc = frappe.get_doc("ITIL Incident", incident)
	doc.check_permission("write")
	if not _sent_legs(doc):
		frappe.throw(_("This incident has not been sent to a supplier."), frappe.ValidationError)
	comment = doc.add_comment("Comment", f"{SUPPLIER_TAG} {frappe.utils.escape_html(message.strip()[:5000])}")
	return comment.name


def queue(connector, incident, leg, event: str, comment: str | None = None) -> str:
	key = frappe.generate_hash(length=32)
	context = {
		"incident": incident,
		"leg": leg,
		"exchange": frappe._dict(event=event, idempotency_key=key),
		"comment": comment,
		"description": strip_html(incident.description or "")[:5000],
	}
	body = frappe.render_template(connector.payload_template or "{}", context)
	try:
		json.loads(body)
	except ValueError:
		frappe.throw(
			_("The payload template of connector {0} does not render JSON.").format(connector.name),
			frappe.ValidationError,
		)
	exchange = frappe.get_doc(
		{
			"doctype": "ITIL Supplier Exchange",
			"incident": incident.name,
			"connector": connector.name,
			"direction": "Outbound",
			"event": event,
			"status": "Queued",
			"leg": leg.name,
			"idempotency_key": key,
			"request_body": body,
			"supplier_reference": leg.get("supplier_reference"),
		}
	).insert(ignore_permissions=True)
	frappe.enqueue(
		"itil_crm.service_level.supplier_connector.deliver",
		queue="short",
		exchange=exchange.name,
		enqueue_after_commit=True,
	)
	return exchange.name


# --- delivery (background) ------------------------------------------------------------------------


def _claim(name: str, now) -> bool:
	"""Only one sender at a time: Queued / Retrying and due -> Sending, committed before the send. The row is
	taken with SKIP LOCKED: a worker that finds it taken, or no longer due, leaves it."""
	exchange = frappe.qb.DocType("ITIL Supplier Exchange")
	try:
		due = (
			frappe.qb.from_(exchange)
			.select(exchange.name)
			.where(
				(exchange.name == name)
				& exchange.status.isin(["Queued", "Retrying"])
				& (exchange.next_attempt_at.isnull() | (exchange.next_attempt_at <= now))
			)
			.for_update(skip_locked=True)
		).run()
		if due:
			frappe.qb.update(exchange).set(exchange.status, "Sending").set(exchange.modified, now).where(
				exchange.name == name
			).run()
	except frappe.QueryDeadlockError:
		frappe.db.rollback()  # another worker holds it: not claimed, nothing sent (the next sweep)
		return False
	_commit()
	return bool(due)


def _commit() -> None:
	"""Each step is committed so another worker sees it (tests keep their one transaction)."""
	if not frappe.flags.in_test:
		frappe.db.commit()


def deliver(exchange: str) -> str | None:
	"""Send one exchange once it is claimed; its status afterwards (None: not claimed, e.g. delivered
	already or not due)."""
	now = now_datetime()
	if not _claim(exchange, now):
		return None
	doc = frappe.get_doc("ITIL Supplier Exchange", exchange)
	connector = frappe.get_doc("ITIL Supplier Connector", doc.connector)
	if doc.event == "Update" and not _created(doc):
		# the supplier has not got the incident yet: wait for its Create
		_set(
			doc,
			status="Retrying",
			next_attempt_at=add_to_date(now, seconds=max(flt(connector.backoff_seconds), 1)),
		)
		return doc.status
	status_code, text, error, retry_after, started = None, "", None, None, time.monotonic()
	try:
		answer = requests.request(
			connector.method or "POST",
			connector.endpoint_url,
			data=(doc.request_body or "{}").encode(),
			headers=_headers(connector, doc),
			auth=_basic(connector),
			timeout=max(flt(connector.timeout_seconds) or 10, 0.1),
			allow_redirects=False,
		)
		status_code, text, retry_after = (
			answer.status_code,
			answer.text or "",
			answer.headers.get("Retry-After"),
		)
	except requests.RequestException as e:
		error = f"{type(e).__name__}: {e}"
	duration = int((time.monotonic() - started) * 1000)
	result = outcome(status_code, network_error=error is not None)
	attempts = cint(doc.attempts) + 1
	log = {
		"attempt": attempts,
		"at": now,
		"status_code": status_code or 0,
		"duration_ms": duration,
		"result": result,
		"excerpt": (error or text)[:EXCERPT],
	}
	values = {
		"attempts": attempts,
		"last_status_code": status_code or 0,
		"response_excerpt": (error or text)[:EXCERPT],
	}
	if result == "delivered":
		values.update(status="Delivered", next_attempt_at=None)
		if doc.event == "Create":
			values["supplier_reference"] = reference(text, connector.reference_path) or doc.supplier_reference
	elif result == "retry" and attempts < max(cint(connector.max_attempts), 1):
		delay = retry_delay(attempts, flt(connector.backoff_seconds), retry_after)
		values.update(status="Retrying", next_attempt_at=add_to_date(now, seconds=delay.total_seconds()))
	else:
		values.update(
			status="Failed",
			failure="Attempts Exhausted" if result == "retry" else "Refused By Supplier",
			next_attempt_at=None,
		)

	# two workers recording their answers at once (the gap locks of the attempt table): the send is done,
	# its answer is written again in a fresh transaction (the claim was committed); left Sending, it would
	# be sent a second time a quarter of an hour later
	def reload():
		nonlocal doc
		doc = frappe.get_doc("ITIL Supplier Exchange", exchange)

	return retried(lambda: _record(doc, connector, log, values), RECORD_RETRIES, again=reload)


def _record(doc, connector, log: dict, values: dict) -> str:
	"""The answer of an attempt: its log row, the exchange's status, the reference; committed."""
	doc.append("attempt_log", log)
	_set(doc, **values)
	if doc.status == "Delivered" and doc.event == "Create" and doc.supplier_reference:
		_store_reference(doc)
	if doc.status == "Failed":
		_tell_lead(doc, connector)
	_commit()
	return doc.status


def _set(doc, **values) -> None:
	doc.update(values)
	doc.flags.ignore_permissions = True
	doc.save()


def _created(doc) -> bool:
	return bool(
		frappe.db.exists("ITIL Supplier Exchange", {"leg": doc.leg, "event": "Create", "status": "Delivered"})
	)


def _headers(connector, doc) -> dict:
	headers = {
		"Content-Type": "application/json",
		"Idempotency-Key": doc.idempotency_key,
		"User-Agent": "itil_crm supplier connector",
	}
	if connector.auth_type == "Header Token":
		token = connector.get_password("token", raise_exception=False)
		if token:
			headers[connector.auth_header or "Authorization"] = token
	return headers


def _basic(connector):
	if connector.auth_type != "Basic":
		return None
	return (connector.username or "", connector.get_password("password", raise_exception=False) or "")


def _store_reference(doc) -> None:
	"""The supplier's reference on the UC leg, and on the leg's later exchanges that do not have it yet."""
	if frappe.db.get_value(LEG, doc.leg, "supplier_reference") == doc.supplier_reference:
		return
	frappe.db.set_value(LEG, doc.leg, "supplier_reference", doc.supplier_reference, update_modified=False)
	exchange = frappe.qb.DocType("ITIL Supplier Exchange")
	(
		frappe.qb.update(exchange)
		.set(exchange.supplier_reference, doc.supplier_reference)
		.where((exchange.leg == doc.leg) & (IfNull(exchange.supplier_reference, "") == ""))
	).run()


def _tell_lead(doc, connector) -> None:
	lead = frappe.db.get_value("ITIL Support Group", connector.support_group, "group_lead")
	subject = _("Incident {0} could not be sent to {1} ({2}): {3}").format(
		doc.incident, connector.support_group, doc.event, (doc.response_excerpt or "")[:200]
	)
	alert([lead], "ITIL Supplier Exchange", doc.name, subject)


# --- sweeps and the Resend action ----------------------------------------------------------------


def retry_due(limit: int = 500) -> int:
	"""Every minute: deliver what is due (retries, and queued sends whose job was lost)."""
	now = now_datetime()
	names = frappe.db.sql_list(
		f"""select name from `{TABLE}`
		where direction = 'Outbound' and (
			(status = 'Retrying' and next_attempt_at <= %(now)s)
			or (status = 'Queued' and modified <= %(stale)s)
			or (status = 'Sending' and modified <= %(lost)s))
		order by creation limit %(limit)s""",
		{
			"now": now,
			"stale": add_to_date(now, minutes=-1),
			"lost": add_to_date(now, minutes=-15),
			"limit": limit,
		},
	)
	# a send interrupted mid-way (worker killed) is retried with the same idempotency key
	if names:  # by name: a scan of the whole table would lock every exchange (deadlocks with senders)
		frappe.db.sql(
			f"""update `{TABLE}` set status = 'Retrying'
			where name in %(names)s and status = 'Sending' and modified <= %(lost)s""",
			{"names": names, "lost": add_to_date(now, minutes=-15)},
		)
	_commit()
	for name in names:
		deliver(name)
	return len(names)


def retry_failed() -> int:
	"""Hourly: exchanges that failed for want of an answer get a fresh round of attempts (a send the
	supplier refused is not retried by itself: it needs a change and Resend)."""
	frappe.db.sql(
		f"""update `{TABLE}` set status = 'Retrying', attempts = 0, failure = null, next_attempt_at = %s
		where status = 'Failed' and failure = 'Attempts Exhausted'""",
		now_datetime(),
	)
	_commit()
	return retry_due()


@frappe.whitelist(methods=["POST"])
@checked
def resend(exchange: str) -> str | None:
	"""Send a failed exchange again (who may edit its incident may resend it)."""
	if not isinstance(exchange, str) or not frappe.db.exists("ITIL Supplier Exchange", exchange):
		frappe.throw(
			_("ITIL Supplier Exchange {0} does not exist.").format(exchange), frappe.DoesNotExistError
		)
	doc = frappe.get_doc("ITIL Supplier Exchange", exchange)
	frappe.get_doc("ITIL Incident", doc.incident).check_permission("write")
	if doc.direction != "Outbound" or doc.status != "Failed":
		frappe.throw(
			_("Only a failed send can be sent again (this one is {0}).").format(_(doc.status)),
			frappe.ValidationError,
		)
	frappe.db.sql(
		f"""update `{TABLE}` set status = 'Queued', attempts = 0, failure = null, next_attempt_at = null
		where name = %s and status = 'Failed'""",
		exchange,
	)
	_commit()
	return deliver(exchange)
