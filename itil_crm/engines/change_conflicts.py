"""Schedule conflicts of a change, as pure rules (no frappe).

A change conflicts with another change when their planned windows overlap and they touch the same
configuration item or CIs related through the CMDB (one depends on the other), and with a freeze
window that its planned window overlaps. Windows are half-open: one that ends at 10:00 and one that
starts at 10:00 do not overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Window:
	start: datetime
	end: datetime


@dataclass(frozen=True)
class Conflict:
	kind: str  # "change" or "freeze"
	with_: str  # the other change, or the freeze window's reason
	start: datetime
	end: datetime
	cis: tuple[str, ...] = ()  # the shared or related CIs (changes only)


def overlaps(a: Window, b: Window) -> bool:
	return a.start < b.end and b.start < a.end


def find_conflicts(
	window: Window,
	related_cis: set[str],
	other_changes: list[tuple[str, Window, set[str]]],
	freezes: list[tuple[str, Window]],
) -> list[Conflict]:
	"""`related_cis`: the change's CIs and the CIs related to them through the CMDB;
	`other_changes`: (name, window, CIs) of the other changes that hold a slot."""
	out = []
	for name, other, cis in other_changes:
		shared = cis & related_cis
		if shared and overlaps(window, other):
			out.append(Conflict("change", name, other.start, other.end, tuple(sorted(shared))))
	for reason, freeze in freezes:
		if overlaps(window, freeze):
			out.append(Conflict("freeze", reason, freeze.start, freeze.end))
	out.sort(key=lambda c: (c.start, c.kind, c.with_))
	return out
