"""Deterministic, explainable choice of the customer SLA for an incident.

Order: an agreement for this very customer, then one for the customer's group or, failing that, for
the nearest group above it in the customer group tree (as ERPNext's tree implies: a customer of "Retail
North" is a customer of "Retail"), then a default one. Among equals: the lowest selection order, then the agreement name (so the choice never depends on
database order). Agreements outside their validity dates, or disabled, never apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Candidate:
	name: str
	selection_order: int = 10
	customer_type: str | None = None
	customer: str | None = None
	customer_group: str | None = None
	is_default: bool = False
	enabled: bool = True
	valid_from: date | None = None
	valid_until: date | None = None


@dataclass(frozen=True)
class Selection:
	agreement: str | None
	reason: str


LEVELS = ("customer", "customer group", "default")


def _rank(c: Candidate, customer_type, customer, groups: tuple[str, ...]) -> tuple[int, int] | None:
	"""(level, distance): the level in LEVELS, and for a group agreement how far up the tree its group is."""
	if c.customer:
		return (0, 0) if (customer and c.customer == customer and c.customer_type == customer_type) else None
	if c.customer_group:
		return (1, groups.index(c.customer_group)) if c.customer_group in groups else None
	return (2, 0) if c.is_default else None


def _groups(customer_group: str | Sequence[str] | None) -> tuple[str, ...]:
	if not customer_group:
		return ()
	if isinstance(customer_group, str):
		return (customer_group,)
	return tuple(g for g in customer_group if g)


def select_agreement(
	candidates: list[Candidate],
	customer_type: str | None,
	customer: str | None,
	customer_group: str | Sequence[str] | None,
	on: date,
) -> Selection:
	"""``customer_group``: the customer's group, or its groups from the nearest (its own) to the root."""
	groups = _groups(customer_group)
	ranked = []
	for c in candidates:
		if not c.enabled:
			continue
		if (c.valid_from and on < c.valid_from) or (c.valid_until and on > c.valid_until):
			continue
		rank = _rank(c, customer_type, customer, groups)
		if rank is not None:
			ranked.append((rank, c.selection_order, c.name, c))
	if not ranked:
		return Selection(None, "no enabled agreement applies (no customer, customer group or default SLA)")
	ranked.sort(key=lambda r: r[:3])
	rank, order, name, chosen = ranked[0]
	ties = [r for r in ranked if r[0] == rank]
	why = f"{LEVELS[rank[0]]} agreement {name} (selection order {order})"
	if rank[0] == 1 and rank[1]:
		why += f", for {chosen.customer_group}, a parent group of {groups[0]}"
	if len(ties) > 1:
		why += f", chosen before {', '.join(r[2] for r in ties[1:])} by selection order then name"
	return Selection(name, why)
