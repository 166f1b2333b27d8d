"""Deterministic, explainable choice of the customer SLA for an incident.

Order: an agreement for this very customer, then one for the customer's group, then a default one.
Among equals: the lowest selection order, then the agreement name (so the choice never depends on
database order). Agreements outside their validity dates, or disabled, never apply.
"""

from __future__ import annotations

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


def _level(c: Candidate, customer_type, customer, customer_group) -> int | None:
	if c.customer:
		return 0 if (customer and c.customer == customer and c.customer_type == customer_type) else None
	if c.customer_group:
		return 1 if (customer_group and c.customer_group == customer_group) else None
	return 2 if c.is_default else None


def select_agreement(
	candidates: list[Candidate],
	customer_type: str | None,
	customer: str | None,
	customer_group: str | None,
	on: date,
) -> Selection:
	ranked = []
	for c in candidates:
		if not c.enabled:
			continue
		if (c.valid_from and on < c.valid_from) or (c.valid_until and on > c.valid_until):
			continue
		level = _level(c, customer_type, customer, customer_group)
		if level is not None:
			ranked.append((level, c.selection_order, c.name, c))
	if not ranked:
		return Selection(None, "no enabled agreement applies (no customer, customer group or default SLA)")
	ranked.sort(key=lambda r: r[:3])
	level, order, name, _c = ranked[0]
	ties = [r for r in ranked if r[0] == level]
	why = f"{LEVELS[level]} agreement {name} (selection order {order})"
	if len(ties) > 1:
		why += f", chosen before {', '.join(r[2] for r in ties[1:])} by selection order then name"
	return Selection(name, why)
