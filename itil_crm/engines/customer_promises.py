"""What the customer portal tells a customer about an incident's service level, as pure rules.

The portal does not show clocks, percentages or the agreement's name: it says, in plain words, what
was promised and whether it was kept ("We answered on ...", "We aim to resolve it by ... (in 3
hours)", "Resolved on ..."). These functions choose the sentences; the Frappe layer
(itil_crm.customer_portal.access) translates and formats them. Nothing here imports frappe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DONE = ("Resolved", "Closed", "Cancelled")

# the order of the units matters: the first one that fits twice is used
UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


@dataclass(frozen=True)
class Promise:
	"""One sentence of the portal. `kind` is one of:

	- responded: we answered (when = first response)
	- response_due / response_late: no answer yet (when = response deadline)
	- resolved / closed / cancelled: done (when = resolution or close time, may be None)
	- resolution_due / resolution_late: not resolved yet (when = resolution deadline)
	- paused: the clock waits for the customer (when = None)
	"""

	kind: str
	when: datetime | None = None


def promises(
	status: str,
	sla_status: str | None,
	response_by: datetime | None,
	first_responded_on: datetime | None,
	resolution_by: datetime | None,
	resolved_on: datetime | None,
	closed_on: datetime | None,
	now: datetime,
) -> list[Promise]:
	"""At most one sentence about the answer and one about the resolution, then "paused" when the
	clock waits on the customer. An incident without agreement (no deadlines) promises nothing."""
	out: list[Promise] = []
	if first_responded_on:
		out.append(Promise("responded", first_responded_on))
	elif response_by and status not in DONE:
		out.append(Promise("response_late" if now > response_by else "response_due", response_by))

	if status == "Cancelled":
		out.append(Promise("cancelled", closed_on))
	elif status == "Closed":
		out.append(Promise("closed", closed_on or resolved_on))
	elif status == "Resolved":
		out.append(Promise("resolved", resolved_on))
	elif resolution_by:
		if sla_status == "Paused":
			out.append(Promise("paused"))
		else:
			out.append(Promise("resolution_late" if now > resolution_by else "resolution_due", resolution_by))
	return out


def distance(seconds: float) -> tuple[int, str]:
	"""A duration in the largest unit that fits (rounded down), e.g. 3h50 -> (3, "hour");
	under a minute -> (0, "minute")."""
	seconds = abs(seconds)
	for unit, size in UNITS:
		if seconds >= size:
			return int(seconds // size), unit
	return 0, "minute"
