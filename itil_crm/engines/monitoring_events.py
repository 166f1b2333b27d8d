"""Monitoring events as a contact channel (R1), as pure rules (no frappe).

Two payloads are read:
- Prometheus Alertmanager's webhook (version 4): ``{"version": "4", "alerts": [{"status", "labels",
  "annotations", "startsAt", "endsAt", "fingerprint"}, ...], ...}``;
- a small generic event, alone, in a list or under ``"events"``: ``{"fingerprint", "status"
  ("firing" | "resolved"), "severity", "summary", "details", "ci", "source"}``.

A body that cannot be read at all (too large, not JSON, neither shape) is refused whole; an alert that
is wrong (no fingerprint, unknown status, bad date...) is refused alone, the others are kept. Repeats
of one fingerprint in a batch are folded: how many times it fired, its last status, its last content.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

MAX_BODY_BYTES = 1024 * 1024
MAX_ALERTS = 5000
MAX_FINGERPRINT = 140
MAX_TEXT = 140  # subject
MAX_DETAILS = 20000
STATUSES = ("firing", "resolved")


class PayloadError(ValueError):
	"""The whole body is refused; `too_large` answers 413, anything else 400."""

	def __init__(self, message: str, too_large: bool = False):
		super().__init__(message)
		self.too_large = too_large


@dataclass(frozen=True)
class Alert:
	fingerprint: str
	status: str  # firing | resolved
	severity: str | None
	summary: str
	details: str
	labels: dict = field(default_factory=dict)
	ci: str | None = None  # named by a generic event
	# Alertmanager's groupLabels and commonLabels of the webhook: where an alert's own labels lack one
	group_labels: dict = field(default_factory=dict)
	starts_at: datetime | None = None
	ends_at: datetime | None = None


@dataclass
class Folded:
	"""One fingerprint's alerts in a batch, in their order."""

	alert: Alert  # the last one: its status and content win
	fired: int = 0  # firing repeats
	first_firing: Alert | None = None
	changes: list[str] = field(default_factory=list)  # statuses in order, repeats collapsed


def parse(
	body: bytes | str, max_bytes: int = MAX_BODY_BYTES
) -> tuple[list[tuple[int, Alert]], list[tuple[int, str]]]:
	"""(good alerts with their index, errors with their index) of a body; PayloadError if unreadable."""
	raw = body.encode() if isinstance(body, str) else (body or b"")
	if len(raw) > max_bytes:
		raise PayloadError(f"the body is larger than {max_bytes} bytes", too_large=True)
	if not raw.strip():
		raise PayloadError("the body is empty: send a JSON object")
	try:
		data = json.loads(raw)
	except (ValueError, UnicodeDecodeError) as e:
		raise PayloadError(f"the body is not JSON ({e})") from None
	items, reader = _items(data)
	if len(items) > MAX_ALERTS:
		raise PayloadError(f"{len(items)} alerts in one body: at most {MAX_ALERTS}")
	good, errors = [], []
	for i, item in enumerate(items):
		try:
			good.append((i, reader(item)))
		except ValueError as e:
			errors.append((i, str(e)))
	return good, errors


def _items(data) -> tuple[list, callable]:
	if isinstance(data, dict) and "alerts" in data:
		version = str(data.get("version", "4"))
		if version != "4":
			raise PayloadError(f"Alertmanager webhook version {version!r}: only version 4 is read")
		if not isinstance(data["alerts"], list):
			raise PayloadError("'alerts' must be a list")
		shared = {}
		for key in ("groupLabels", "commonLabels"):  # the common labels win over the group's (a superset)
			try:
				shared.update(_strings(data.get(key), key))
			except ValueError as e:
				raise PayloadError(str(e)) from None
		return data["alerts"], lambda item: _alertmanager_alert(item, shared)
	if isinstance(data, dict) and "events" in data:
		if not isinstance(data["events"], list):
			raise PayloadError("'events' must be a list")
		return data["events"], _generic_event
	if isinstance(data, dict):
		return [data], _generic_event
	if isinstance(data, list):
		return data, _generic_event
	raise PayloadError("expected an Alertmanager webhook (with 'alerts') or an event object")


def _alertmanager_alert(item, shared: dict | None = None) -> Alert:
	if not isinstance(item, dict):
		raise ValueError("an alert must be an object")
	labels = _strings(item.get("labels"), "labels")
	annotations = _strings(item.get("annotations"), "annotations")
	known = {**(shared or {}), **labels}
	name = known.get("alertname") or "alert"
	where = known.get("instance") or known.get("service") or known.get("job")
	summary = annotations.get("summary") or (f"{name} on {where}" if where else name)
	details = annotations.get("description") or ""
	return Alert(
		fingerprint=_fingerprint(item.get("fingerprint")),
		status=_status(item.get("status")),
		severity=_severity(known.get("severity")),
		summary=_clip(summary, MAX_TEXT),
		details=_clip(details, MAX_DETAILS),
		labels=labels,
		starts_at=_time(item.get("startsAt"), "startsAt"),
		ends_at=_time(item.get("endsAt"), "endsAt"),
		group_labels=dict(shared or {}),
	)


def _generic_event(item) -> Alert:
	if not isinstance(item, dict):
		raise ValueError("an event must be an object")
	summary = item.get("summary")
	if not isinstance(summary, str) or not summary.strip():
		raise ValueError("'summary' is missing")
	details = item.get("details") or ""
	if not isinstance(details, str):
		details = json.dumps(details, ensure_ascii=False, sort_keys=True)
	ci = item.get("ci")
	if ci is not None and not isinstance(ci, str):
		raise ValueError("'ci' must be a string")
	labels = {"source": str(item["source"])[:140]} if item.get("source") else {}
	return Alert(
		fingerprint=_fingerprint(item.get("fingerprint")),
		status=_status(item.get("status", "firing")),
		severity=_severity(item.get("severity")),
		summary=_clip(summary, MAX_TEXT),
		details=_clip(details, MAX_DETAILS),
		labels=labels,
		ci=ci.strip() or None if ci else None,
		starts_at=_time(item.get("startsAt"), "startsAt"),
	)


def _fingerprint(value) -> str:
	if not isinstance(value, str) or not value.strip():
		raise ValueError("'fingerprint' is missing")
	value = value.strip()
	if len(value) > MAX_FINGERPRINT:
		raise ValueError(f"'fingerprint' is longer than {MAX_FINGERPRINT} characters")
	return value


def _status(value) -> str:
	if value not in STATUSES:
		raise ValueError(f"'status' must be firing or resolved, not {str(value)[:40]!r}")
	return value


def _severity(value) -> str | None:
	if value is None or value == "":
		return None
	if not isinstance(value, str | int):
		raise ValueError("'severity' must be a string")
	return str(value).strip().lower()[:40]


def _strings(value, what: str) -> dict:
	if value is None:
		return {}
	if not isinstance(value, dict):
		raise ValueError(f"'{what}' must be an object")
	return {str(k)[:140]: _clip(str(v), 1000) for k, v in value.items()}


_ZERO_TIME = "0001-01-01T00:00:00Z"  # Alertmanager's "no end yet"


def _time(value, what: str) -> datetime | None:
	if value in (None, "", _ZERO_TIME):
		return None
	if not isinstance(value, str):
		raise ValueError(f"'{what}' must be an RFC 3339 date")
	text = re.sub(r"(\.\d{6})\d+", r"\1", value.strip()).replace("Z", "+00:00")
	try:
		moment = datetime.fromisoformat(text)
	except ValueError:
		raise ValueError(f"'{what}' is not an RFC 3339 date: {value[:40]!r}") from None
	if moment.tzinfo is None:
		raise ValueError(f"'{what}' has no time zone: {value[:40]!r}")
	if moment.year < 2000:
		return None
	return moment.astimezone(UTC)


def _clip(text: str, limit: int) -> str:
	text = text.strip()
	return text if len(text) <= limit else text[: limit - 1] + "…"


def fold(alerts: list[Alert]) -> dict[str, Folded]:
	"""Per fingerprint, in first-seen order: the last alert, how many times it fired and the status
	changes (a repeat of the same status is not a change)."""
	out: dict[str, Folded] = {}
	for alert in alerts:
		entry = out.get(alert.fingerprint)
		if entry is None:
			entry = out[alert.fingerprint] = Folded(alert)
		entry.alert = alert
		if alert.status == "firing":
			entry.fired += 1
			entry.first_firing = entry.first_firing or alert
		if not entry.changes or entry.changes[-1] != alert.status:
			entry.changes.append(alert.status)
	return out


def map_severity(
	severity: str | None, mapping: dict[str, tuple[str | None, str | None]], default: str | None
):
	"""(urgency, impact) of a severity by the source's map; no severity: the default severity's. An
	unknown severity is an error (ValueError naming the known ones)."""
	key = severity or (default or "").lower() or None
	if key is None:
		return None, None
	if key not in mapping:
		known = ", ".join(sorted(mapping)) or "none"
		raise ValueError(f"unknown severity {key!r} (known: {known})")
	return mapping[key]


def label(alert: Alert, name: str) -> str | None:
	"""A label of the alert, else of its webhook's commonLabels / groupLabels."""
	return alert.labels.get(name) or alert.group_labels.get(name) or None


def ci_hints(alert: Alert, label_names: list[str]) -> list[str]:
	"""Values to match against CI IDs and names, in order: the event's CI, then each configured label (the
	alert's, else the webhook's common or group labels; an `instance` like ``db01:9100`` also tried
	without its port)."""
	hints = [alert.ci] if alert.ci else []
	for name in label_names:
		value = label(alert, name)
		if value:
			hints.append(value)
			host = re.sub(r":\d+$", "", value)
			if host != value:
				hints.append(host)
	return list(dict.fromkeys(hints))


HOST_LABELS = ("instance", "host", "hostname")
_DNS_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_DNS_LABEL}(\.{_DNS_LABEL})*")


def host_hints(alert: Alert) -> list[str]:
	"""Host names and addresses to match against the CIs' Host Name and IP Address, in order: the event's
	CI, then the labels `instance`, `host` and `hostname` (the alert's, else the webhook's common or group
	labels), each without its port or URL scheme; lower case, an address in its normal form."""
	values = [alert.ci] if alert.ci else []
	values += [label(alert, name) for name in HOST_LABELS]
	hosts = [host_of(v) for v in values if v]
	return list(dict.fromkeys(h for h in hosts if h))


def host_of(value: str) -> str | None:
	"""The host of ``db01``, ``db01:9100``, ``10.0.0.5:9100``, ``[2001:db8::1]:9100``, ``2001:db8::1`` or
	``https://db01.example.com:8443/health``: an IP address in its normal form, or a lower-case host name;
	None when it is neither."""
	text = (value or "").strip()
	if "://" in text:
		try:
			text = urlsplit(text).hostname or ""
		except ValueError:
			return None
	elif text.startswith("["):  # [v6]:port
		text = text[1 : text.find("]")] if "]" in text else ""
	elif text.count(":") == 1:  # host:port (an IPv6 address has several colons)
		text = text.split(":", 1)[0]
	return normal_ip(text) or normal_host_name(text)


def normal_ip(value: str | None) -> str | None:
	"""An IPv4 or IPv6 address in its normal (compressed, lower-case) form, or None."""
	try:
		return str(ipaddress.ip_address((value or "").strip()))
	except ValueError:
		return None


def normal_host_name(value: str | None) -> str | None:
	"""A host name (DNS labels of letters, digits, hyphens and underscores, 253 characters at most) in
	lower case, without a trailing dot, or None."""
	text = (value or "").strip().lower().rstrip(".")
	return text if text and _HOST_NAME.fullmatch(text) else None
