"""Monitoring events in (R1): Prometheus Alertmanager webhooks and a small generic JSON event, posted
with the API key of a user holding the role ITIL Event Source to

    POST /api/method/itil_crm.service_desk.monitoring_events.receive

- A firing alert with a new fingerprint opens an incident (channel Monitoring Event, urgency and
  impact from the source's severity map, CI from the source's labels). Repeats of an open fingerprint
  only count (occurrences, last seen) on its ITIL Monitoring Alert; the incident's timeline gets one
  line per state change (firing -> resolved -> firing), not one per repeat.
- A resolved alert records the recovery and, if the source says so, resolves the incident (code
  Resolved by Monitoring); firing again reopens it. Once the incident is closed, the fingerprint's next
  firing opens a new incident that names the previous one.
- Set-based: one batch costs a handful of statements plus one document insert per new incident. One
  open incident per fingerprint is guaranteed by a unique key (source + fingerprint while open), so
  concurrent posts of one fingerprint make one incident.
- Bad input: an unreadable body is refused whole (400, 413 if too large); a bad alert is refused alone
  (422 naming it, with its index) and the good ones of the batch are kept.

Parsing and folding are pure: itil_crm.engines.monitoring_events.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from itil_crm.engines.lifecycle import OPEN_STATUSES
from itil_crm.engines.monitoring_events import (
	Alert,
	PayloadError,
	ci_hints,
	fold,
	host_hints,
	map_severity,
	parse,
)
from itil_crm.frappe_fixes.deadlocks import retried
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.record_access import record
from itil_crm.service_level import site_time

EVENT_SOURCE_ROLE = "ITIL Event Source"
CHANNEL = "Monitoring Event"
RESOLVED_BY_MONITORING = "Resolved by Monitoring"
TABLE = "tabITIL Monitoring Alert"


@dataclass
class Prepared:
	alert: Alert
	urgency: str | None
	impact: str | None
	ci: str | None


@dataclass
class Result:
	accepted: int = 0
	opened: list[str] = field(default_factory=list)
	updated: list[str] = field(default_factory=list)
	resolved: list[str] = field(default_factory=list)
	reopened: list[str] = field(default_factory=list)
	ignored: int = 0  # recoveries of alerts with no open incident
	errors: list[tuple[str, str]] = field(default_factory=list)  # (fingerprint, message)


@frappe.whitelist(methods=["POST"])
@checked
def receive(**_payload):
	"""The endpoint. The body is read raw (Frappe's parsed arguments are ignored)."""
	source = current_source()
	body = frappe.request.get_data() if getattr(frappe.local, "request", None) else b""
	status, answer = handle(source, body)
	frappe.db.commit()  # the good alerts are kept, whatever is answered for the bad ones
	return _answer(status, answer)


def handle(source, body: bytes) -> tuple[int, dict]:
	"""(HTTP status, answer) for a body from this source."""
	try:
		good, errors = parse(body)
	except PayloadError as e:
		return (413 if e.too_large else 400), {"error": str(e)}
	prepared, more = prepare(source, good)
	errors = sorted(errors + more)
	result = ingest_with_retry(source, [p for _i, p in prepared]) if prepared else Result()
	status = 200 if not errors and not result.errors else 422 if result.accepted else 400
	return status, {
		"accepted": result.accepted,
		"opened": result.opened,
		"updated": result.updated,
		"resolved": result.resolved,
		"reopened": result.reopened,
		"ignored": result.ignored,
		"errors": [{"index": i, "error": m} for i, m in errors]
		+ [{"fingerprint": f, "error": m} for f, m in result.errors],
	}


def _answer(status: int, body: dict) -> dict:
	if getattr(frappe.local, "response", None) is not None:
		frappe.local.response.http_status_code = status
	return body


def current_source(user: str | None = None):
	user = user or frappe.session.user
	if user == "Guest":
		raise frappe.AuthenticationError(_("Send the API key and secret of the event source's user."))
	source = frappe.db.get_value(
		"ITIL Event Source",
		{"user": user, "enabled": 1},
		[
			"name",
			"user",
			"resolve_on_recovery",
			"support_group",
			"ci_labels",
			"default_severity",
			"default_impact",
		],
		as_dict=True,
	)
	if not source or EVENT_SOURCE_ROLE not in frappe.get_roles(user):
		raise frappe.PermissionError(
			_("User {0} is not the user of an enabled ITIL Event Source.").format(user)
		)
	return source


def prepare(
	source, good: list[tuple[int, Alert]]
) -> tuple[list[tuple[int, Prepared]], list[tuple[int, str]]]:
	"""Severity -> urgency and impact, labels -> CI; an alert with an unknown severity is refused."""
	mapping = {
		row.severity: (row.urgency, row.impact)
		for row in frappe.get_all(
			"ITIL Event Severity",
			filters={"parent": source.name, "parenttype": "ITIL Event Source"},
			fields=["severity", "urgency", "impact"],
		)
	}
	labels = [x.strip() for x in (source.ci_labels or "").split(",") if x.strip()]
	hints = {a.fingerprint: ci_hints(a, labels) for _i, a in good}
	hosts = {a.fingerprint: host_hints(a) for _i, a in good}
	known, by_host = _cis({h for hs in hints.values() for h in hs}, {h for hs in hosts.values() for h in hs})
	prepared, errors = [], []
	for i, alert in good:
		try:
			urgency, impact = map_severity(alert.severity, mapping, source.default_severity)
		except ValueError as e:
			errors.append((i, str(e)))
			continue
		ci = next((known[h] for h in hints[alert.fingerprint] if h in known), None) or next(
			(by_host[h] for h in hosts[alert.fingerprint] if h in by_host), None
		)
		prepared.append((i, Prepared(alert, urgency, impact or source.default_impact, ci)))
	return prepared, errors


def _cis(hints: set[str], hosts: set[str] = frozenset()) -> tuple[dict[str, str], dict[str, str]]:
	"""For CIs still in service, in one query: (CI ID or name, case-insensitive -> CI ID; host name or IP
	address -> CI ID). A host name or address that several CIs share names none of them."""
	if not hints and not hosts:
		return {}, {}
	rows = frappe.db.sql(
		"""select name, ci_name, host_name, ip_address from `tabITIL Configuration Item`
		where (name in %(h)s or ci_name in %(h)s or host_name in %(hosts)s or ip_address in %(hosts)s)
		and ifnull(lifecycle_status, '') != 'Retired'""",
		{"h": tuple(hints) or ("",), "hosts": tuple(hosts) or ("",)},
		as_dict=True,
	)
	found, on_host = {}, {}
	for r in rows:
		found.setdefault(r.name, r.name)
		found.setdefault((r.ci_name or "").lower(), r.name)
		for host in {r.host_name, r.ip_address} - {None, ""}:
			on_host.setdefault(host.lower(), set()).add(r.name)
	names = {h: found.get(h) or found.get(h.lower()) for h in hints if found.get(h) or found.get(h.lower())}
	by_host = {h: next(iter(on_host[h])) for h in hosts if len(on_host.get(h, ())) == 1}
	return names, by_host


def open_key(source: str, fingerprint: str) -> str:
	return hashlib.sha1(f"{source}\n{fingerprint}".encode()).hexdigest()


def ingest_with_retry(source, items: list[Prepared], attempts: int = 2) -> Result:
	"""The batches of one source are taken one after the other (its row is locked first), so the same alert
	posted several times at once cannot deadlock with itself. A deadlock that remains (a batch resolving an
	incident an agent saves at the same moment) is retried once, the loser rolled back whole."""
	return retried(lambda: ingest(source, items), attempts)


def ingest(source, items: list[Prepared]) -> Result:
	result = Result(accepted=len(items))
	frappe.db.get_value("ITIL Event Source", source.name, "name", for_update=True)
	by_fp = {p.alert.fingerprint: p for p in items}  # the last alert of each fingerprint wins
	folded = fold([p.alert for p in items])
	now = now_datetime()
	keys = {fp: open_key(source.name, fp) for fp in folded}
	fired = sorted((keys[fp], fp) for fp, f in folded.items() if f.fired)
	_insert_new(source.name, [(key, fp, folded[fp], by_fp[fp]) for key, fp in fired], now)
	rows = _lock(sorted(keys.values()))
	ended = [r for r in rows.values() if r.incident and r.incident_status in ("Closed", "Cancelled")]
	if ended:  # the incident was closed but its alert is still open: a new episode starts
		_end_episodes([r.name for r in ended])  # (the new incident finds the previous one as any other)
		fp_of = {key: fp for fp, key in keys.items()}
		for r in ended:  # a recovery of a closed incident's alert changes nothing
			rows.pop(r.open_key)
		again = [(r.open_key, fp_of[r.open_key]) for r in ended if folded[fp_of[r.open_key]].fired]
		_insert_new(source.name, [(key, fp, folded[fp], by_fp[fp]) for key, fp in again], now)
		rows.update(_lock(sorted(key for key, _fp in again)))
	updates, comments, to_open, to_resolve, to_reopen = [], [], [], [], []
	for fp, f in folded.items():
		row = rows.get(keys[fp])
		if row is None:  # a recovery of an alert with no open incident
			result.ignored += 1
			continue
		alert = f.alert
		status = "Firing" if alert.status == "firing" else "Resolved"
		updates.append(
			(
				row.name,
				(row.occurrences or 0) + f.fired,
				status,
				now if status == "Resolved" else None,
				alert.summary,
				alert.severity,
			)
		)
		if not row.incident:
			if f.fired:
				to_open.append((row, f, by_fp[fp]))
			continue
		changes = list(f.changes)
		if changes and changes[0] == row.alert_status.lower():
			changes = changes[1:]
		comments += [(row.incident, _change_line(change, alert, now)) for change in changes]
		result.updated.append(row.incident)  # one open incident per fingerprint: listed once
		if changes:
			if status == "Resolved" and source.resolve_on_recovery and row.incident_status in OPEN_STATUSES:
				to_resolve.append(row.incident)
			elif status == "Firing" and row.incident_status == "Resolved":
				to_reopen.append(row.incident)
	_update(updates)
	_add_comments(comments, now)
	previous = _previous_incidents(source.name, [f.alert.fingerprint for _r, f, _p in to_open])
	for row, f, prepared in to_open:
		name = _open_incident(source, row, f, prepared, result, previous.get(f.alert.fingerprint))
		if name and f.alert.status == "resolved":
			_add_comments([(name, _change_line("resolved", f.alert, now))], now)
			if source.resolve_on_recovery:
				to_resolve.append(name)
	for name in to_resolve:
		if _move(name, "Resolved", result):
			result.resolved.append(name)
	for name in to_reopen:
		if _move(name, "In Progress", result):
			result.reopened.append(name)
	return result


def _insert_new(source: str, entries, now) -> None:
	"""One statement: a row per fingerprint that fired, unless its open row exists (INSERT IGNORE on
	the unique open key; a concurrent batch inserting the same key waits, then is ignored)."""
	if not entries:
		return
	user = frappe.session.user
	values, params = [], []
	for key, fp, f, prepared in entries:
		first = f.first_firing or f.alert
		values.append("(%s, %s, %s, %s, %s, %s, %s, %s, 'Firing', 0, %s, %s, %s, %s, %s, %s, %s)")
		params += [
			frappe.generate_hash(length=12),
			now,
			now,
			user,
			user,
			source,
			fp,
			key,
			now,
			now,
			site_time.naive(first.starts_at) if first.starts_at else None,
			first.severity,
			first.summary,
			json.dumps(first.labels, ensure_ascii=False, sort_keys=True)[:10000],
			prepared.ci,
		]
	frappe.db.sql(
		f"""insert ignore into `{TABLE}` (name, creation, modified, owner, modified_by, source, fingerprint,
			open_key, alert_status, occurrences, first_seen, last_seen, starts_at, severity, summary, labels,
			configuration_item)
		values {", ".join(values)}""",
		params,
	)


def _lock(keys: list[str]) -> dict[str, frappe._dict]:
	"""The open rows of these keys with their incident's status, locked until commit (one statement)."""
	if not keys:
		return {}
	rows = frappe.db.sql(
		f"""select a.name, a.open_key, a.alert_status, a.incident, a.occurrences, i.status as incident_status
		from `{TABLE}` a left join `tabITIL Incident` i on i.name = a.incident
		where a.open_key in %(keys)s order by a.open_key for update""",
		{"keys": tuple(keys)},
		as_dict=True,
	)
	return {r.open_key: r for r in rows}


def _end_episodes(names: list[str]) -> None:
	frappe.db.sql(f"update `{TABLE}` set open_key = null where name in %(n)s", {"n": tuple(names)})


def _update(updates: list[tuple]) -> None:
	"""One statement for every row of the batch: occurrences, status, recovery, last seen."""
	if not updates:
		return
	names = [u[0] for u in updates]
	cases = {"occurrences": [], "alert_status": [], "resolved_at": [], "summary": [], "severity": []}
	params: list = []
	for column, index in (
		("occurrences", 1),
		("alert_status", 2),
		("resolved_at", 3),
		("summary", 4),
		("severity", 5),
	):
		for u in updates:
			cases[column].append("when %s then %s")
			params += [u[0], u[index]]
	sets = ", ".join(
		f"{column} = case name {' '.join(whens)} else {column} end" for column, whens in cases.items()
	)
	frappe.db.sql(
		f"update `{TABLE}` set {sets}, last_seen = %s, modified = %s where name in %s",
		[*params, now_datetime(), now_datetime(), tuple(names)],
	)


def _change_line(change: str, alert: Alert, now) -> str:
	if change == "resolved":
		return _("Monitoring: the alert recovered at {0} ({1}).").format(
			frappe.format(now, "Datetime"), escape_html(alert.summary)
		)
	return _("Monitoring: the alert is firing again ({0}).").format(escape_html(alert.summary))


def _add_comments(comments: list[tuple[str, str]], now) -> None:
	"""The timeline lines of a batch in one statement."""
	if not comments:
		return
	user = frappe.session.user
	frappe.db.bulk_insert(
		"Comment",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"comment_type",
			"reference_doctype",
			"reference_name",
			"content",
			"comment_email",
		],
		[
			(
				frappe.generate_hash(length=12),
				now,
				now,
				user,
				user,
				"Info",
				"ITIL Incident",
				incident,
				text,
				user,
			)
			for incident, text in comments
		],
	)


def _previous_incidents(source: str, fingerprints: list[str]) -> dict[str, str]:
	"""The last incident each fingerprint opened before (its episode ended), in one query."""
	if not fingerprints:
		return {}
	rows = frappe.db.sql(
		f"""select fingerprint, incident from `{TABLE}`
		where source = %(source)s and fingerprint in %(fps)s and open_key is null and incident is not null
		order by creation""",
		{"source": source, "fps": tuple(fingerprints)},
	)
	return dict(rows)


def _open_incident(source, row, f, prepared: Prepared, result: Result, previous: str | None) -> str | None:
	alert = f.first_firing or f.alert
	frappe.db.savepoint("itil_monitoring_incident")
	try:
		incident = frappe.get_doc(
			{
				"doctype": "ITIL Incident",
				"subject": alert.summary,
				"description": _description(alert, row),
				"channel": CHANNEL,
				"event_severity": alert.severity or source.default_severity,
				"urgency": prepared.urgency,
				"impact": prepared.impact,
				"configuration_item": prepared.ci,
				"support_group": source.support_group,
			}
		)
		incident.flags.ignore_permissions = True
		incident.insert()
	except Exception as e:
		frappe.db.rollback(save_point="itil_monitoring_incident")
		if frappe.db.is_deadlocked(e) or frappe.db.is_timedout(e):
			raise
		# the alert row stays without an incident: its next firing tries again; nothing is lost
		result.errors.append((alert.fingerprint, _("the incident could not be opened: {0}").format(e)))
		frappe.log_error(title=f"ITIL monitoring event {alert.fingerprint}")
		return None
	frappe.db.sql(
		f"update `{TABLE}` set incident = %s, previous_incident = %s where name = %s",
		(incident.name, previous, row.name),
	)
	if previous:
		incident.add_comment("Info", _("The same alert opened {0} before; it was closed.").format(previous))
	result.opened.append(incident.name)
	return incident.name


def _description(alert: Alert, row) -> str:
	parts = [f"<p>{escape_html(alert.details)}</p>"] if alert.details else []
	if alert.labels:
		items = "".join(
			f"<li><code>{escape_html(k)}</code>: {escape_html(v)}</li>"
			for k, v in sorted(alert.labels.items())
		)
		parts.append(f"<ul>{items}</ul>")
	parts.append(
		"<p>"
		+ escape_html(_("Fingerprint {0}, from monitoring alert {1}.").format(alert.fingerprint, row.name))
		+ "</p>"
	)
	return "".join(parts)


def _move(name: str, status: str, result: Result) -> bool:
	frappe.db.savepoint("itil_monitoring_move")
	try:
		incident = frappe.get_doc("ITIL Incident", name)
		if status == "Resolved":
			incident.resolution_code = RESOLVED_BY_MONITORING
			incident.resolution_notes = incident.resolution_notes or _("The monitoring alert recovered.")
		incident.status = status
		incident.flags.ignore_permissions = True
		incident.save()
		return True
	except Exception as e:
		frappe.db.rollback(save_point="itil_monitoring_move")
		if frappe.db.is_deadlocked(e) or frappe.db.is_timedout(e):
			raise
		result.errors.append((name, _("could not move the incident to {0}: {1}").format(status, e)))
		return False


def end_episode(doc, method=None) -> None:
	"""ITIL Incident on_update: a closed or cancelled incident frees its alerts' fingerprints (their
	next firing opens a new incident)."""
	if doc.status in ("Closed", "Cancelled") and doc.has_value_changed("status"):
		frappe.db.sql(
			f"update `{TABLE}` set open_key = null where incident = %s and open_key is not null", doc.name
		)


@frappe.whitelist()
@checked
def monitoring_summary(incident: str) -> dict | None:
	"""For the incident form: the counts of the alert that opened it."""
	record("ITIL Incident", incident)
	return frappe.db.get_value(
		"ITIL Monitoring Alert",
		{"incident": incident},
		["name", "occurrences", "last_seen", "alert_status", "source", "resolved_at"],
		as_dict=True,
		order_by="creation desc",
	)
