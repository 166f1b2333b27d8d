"""Callbacks from a supplier's system (R3), posted to

    POST /api/method/itil_crm.service_level.supplier_callbacks.receive?connector=<external group>
    X-ITIL-Timestamp: <Unix time>
    X-ITIL-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the connector's secret>
    {"reference": "<the supplier's ticket>", "status": "in_progress" | "resolved", "comment": "..."}

An authentic, fresh callback on a known reference adds the comment to the incident's timeline, and
"resolved" closes the UC leg (its clock stops) and hands the incident back to the group that sent it
to the supplier, whose lead is told. Anything else changes nothing: unsigned, badly signed, stale or
replayed (401), unknown connector or reference (404), unreadable (400). Every callback, accepted or
refused, is logged as an inbound ITIL Supplier Exchange.
"""

from __future__ import annotations

import hashlib
import json

import frappe
from frappe import _
from frappe.utils import escape_html

from itil_crm.engines.supplier_exchange import verify
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.notifications import alert
from itil_crm.service_level import site_time
from itil_crm.service_level.legs import DOCTYPE as LEG
from itil_crm.service_level.legs import stored_legs

RESOLVED = ("resolved", "closed", "done")


@frappe.whitelist(allow_guest=True, methods=["POST"])
@checked
def receive(**_args):
	request = frappe.local.request
	body = request.get_data() or b""
	status, answer = handle(
		frappe.form_dict.get("connector") or request.args.get("connector"),
		request.headers.get("X-ITIL-Timestamp"),
		request.headers.get("X-ITIL-Signature"),
		body,
	)
	frappe.db.commit()  # the log of a refused callback is kept; nothing else was written
	frappe.local.response.http_status_code = status
	return answer


def handle(connector_name: str | None, timestamp: str | None, signature: str | None, body: bytes):
	"""(HTTP status, answer); writes only the log unless the callback is accepted."""
	if len(body) > 256 * 1024:
		return _refuse(None, None, 413, "the body is larger than 256 KiB", body)
	connector = (
		frappe.get_doc("ITIL Supplier Connector", connector_name)
		if isinstance(connector_name, str) and frappe.db.exists("ITIL Supplier Connector", connector_name)
		else None
	)
	if connector is None:
		return _refuse(None, None, 404, "unknown connector", body)
	secret = connector.get_password("callback_secret", raise_exception=False) or ""
	why = verify(secret, timestamp, signature, body, site_time.now())
	if why:
		return _refuse(connector, None, 401, why, body)
	seen = "cb-" + hashlib.sha256((signature or "").encode()).hexdigest()[:60]
	if frappe.db.exists("ITIL Supplier Exchange", {"idempotency_key": seen}):
		return _refuse(connector, None, 401, "this callback was already received: a replay is refused", body)
	try:
		data = json.loads(body)
		assert isinstance(data, dict)
	except (ValueError, AssertionError):
		return _refuse(connector, None, 400, "the body is not a JSON object", body, key=seen)
	ref = data.get("reference")
	leg = _leg(connector, ref) if isinstance(ref, str | int) and str(ref).strip() else None
	if leg is None:
		return _refuse(connector, None, 404, f"unknown reference {str(ref)[:60]!r}", body, key=seen)
	incident = frappe.get_doc("ITIL Incident", leg.incident)
	status = str(data.get("status") or "").lower()
	comment = data.get("comment")
	if comment:
		incident.add_comment(
			"Comment",
			_("Supplier {0} ({1}): {2}").format(
				connector.support_group, ref, escape_html(str(comment)[:5000])
			),
		)
	outcome = "comment"
	if status in RESOLVED:
		outcome = _resolved_by_supplier(incident, leg, connector, ref)
	_log(connector, incident.name, leg.name, "Accepted", 200, outcome, body, key=seen, reference=str(ref))
	return 200, {"accepted": True, "incident": incident.name, "outcome": outcome}


def _leg(connector, ref):
	"""The latest leg of the connector's group that carries the supplier's reference."""
	rows = frappe.get_all(
		LEG,
		filters={"support_group": connector.support_group, "supplier_reference": str(ref).strip()},
		fields=["name", "incident"],
		order_by="assigned_on desc",
		limit=1,
	)
	return rows[0] if rows else None


def _resolved_by_supplier(incident, leg_row, connector, ref) -> str:
	"""Close the UC leg (its clock stops) and hand the incident back to the group that sent it."""
	legs = stored_legs(incident.name, lock=True)
	leg = next((x for x in legs if x.name == leg_row.name), None)
	if leg is None or leg.outcome != "Open":
		return "leg already closed"
	earlier = [x for x in legs if x.idx < leg.idx and not x.is_external]
	back_to = earlier[-1].support_group if earlier else None
	now = site_time.naive(site_time.now())
	# the supplier closes its own leg; the incident's save then opens the next one, for the group it is
	# handed back to
	frappe.db.set_value(LEG, leg.name, {"outcome": "Resolved", "released_on": now}, update_modified=False)
	incident.support_group = back_to
	incident.add_comment(
		"Info",
		_("Resolved by supplier {0} (their reference {1}); back to {2}.").format(
			connector.support_group, ref, back_to or _("no group")
		),
	)
	incident.flags.ignore_permissions = True
	frappe.flags.itil_supplier_sync = True
	try:
		incident.save()
	finally:
		frappe.flags.itil_supplier_sync = False
	lead = frappe.db.get_value("ITIL Support Group", back_to, "group_lead") if back_to else None
	alert(
		[lead],
		"ITIL Incident",
		incident.name,
		_("{0} resolved incident {1} on their side: check and resolve it.").format(
			connector.support_group, incident.name
		),
	)
	return "leg closed"


def _refuse(connector, incident, status: int, why: str, body: bytes, key: str | None = None):
	_log(connector, incident, None, "Refused", status, why, body, key=key)
	return status, {"accepted": False, "error": why}


def _log(connector, incident, leg, status, code, text, body, key=None, reference=None) -> None:
	frappe.get_doc(
		{
			"doctype": "ITIL Supplier Exchange",
			"direction": "Inbound",
			"event": "Callback",
			"connector": connector.name if connector else None,
			"incident": incident,
			"leg": leg,
			"status": status,
			"idempotency_key": key,
			"supplier_reference": reference,
			"last_status_code": code,
			"response_excerpt": text[:2000],
			"request_body": body[:10000].decode("utf-8", "replace"),
			"attempts": 1,
			"next_attempt_at": None,
		}
	).insert(ignore_permissions=True)
