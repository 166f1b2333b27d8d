"""Exchanges with a supplier's system under an underpinning contract (R3), as pure rules (no frappe).

- Sending: what an answer means (delivered, retry later, refused for good), when to retry (exponential
  backoff, or the supplier's Retry-After, capped), and where the supplier's reference is in its answer.
- Callbacks: an HMAC-SHA256 signature over "<timestamp>.<body>" with the connector's shared secret;
  a timestamp more than five minutes away from now is refused, so a captured callback cannot be
  replayed later (and one replayed within the window is refused by its signature already seen).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

MAX_DELAY = timedelta(hours=1)
SIGNATURE_WINDOW = timedelta(minutes=5)


def outcome(status_code: int | None, network_error: bool = False) -> str:
	"""delivered | retry | refused. Network errors, timeouts, 5xx and 429 are retried; other 4xx are
	not (the request itself is wrong: retrying would fail the same way)."""
	if network_error or status_code is None:
		return "retry"
	if 200 <= status_code < 300:
		return "delivered"
	if status_code == 429 or status_code >= 500:
		return "retry"
	return "refused"


def retry_delay(
	attempt: int, base_seconds: float, retry_after: str | None = None, now: datetime | None = None
) -> timedelta:
	"""Delay before attempt `attempt + 1` (attempt counts from 1): base x 2^(attempt-1), or the
	supplier's Retry-After (seconds or an HTTP date) when it gives one; never more than an hour."""
	wanted = _retry_after(retry_after, now or datetime.now(UTC))
	if wanted is None:
		seconds = max(base_seconds, 0) * 2 ** min(max(attempt - 1, 0), 30)
		wanted = timedelta(seconds=min(seconds, MAX_DELAY.total_seconds()))
	return min(max(wanted, timedelta(0)), MAX_DELAY)


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
	if not value:
		return None
	value = value.strip()
	if value.isascii() and value.isdigit():
		return timedelta(seconds=min(int(value), MAX_DELAY.total_seconds()))
	try:
		moment = parsedate_to_datetime(value)
	except (TypeError, ValueError, IndexError, OverflowError):
		return None
	if moment.tzinfo is None:
		moment = moment.replace(tzinfo=UTC)
	return moment - now


def reference(body: str | bytes | None, path: str | None) -> str | None:
	"""The supplier's reference in a JSON answer, at a dotted path ("id", "result.ticket.number")."""
	if not body or not path:
		return None
	try:
		data = json.loads(body)
	except (ValueError, UnicodeDecodeError):
		return None
	for part in path.split("."):
		if isinstance(data, dict) and part in data:
			data = data[part]
		elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
			data = data[int(part)]
		else:
			return None
	if isinstance(data, str | int) and not isinstance(data, bool):
		return str(data)[:140] or None
	return None


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
	mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
	return "sha256=" + mac.hexdigest()


def verify(
	secret: str, timestamp: str | None, signature: str | None, body: bytes, now: datetime
) -> str | None:
	"""None when the callback is authentic and fresh, else why it is refused."""
	if not secret:
		return "the connector has no callback secret"
	if not timestamp or not signature:
		return "the callback is not signed"
	try:
		moment = datetime.fromtimestamp(int(timestamp), UTC)
	except (ValueError, OverflowError, OSError):
		return "the timestamp is not a Unix time"
	if not hmac.compare_digest(sign(secret, timestamp.strip(), body), signature.strip()):
		return "the signature does not match"
	if abs(now - moment) > SIGNATURE_WINDOW:
		return "the timestamp is more than five minutes away: a replay is refused"
	return None
