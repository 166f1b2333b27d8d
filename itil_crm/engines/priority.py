"""Priority of an incident (R4): impact x urgency through the matrix, raised by the caller's importance,
the affected CI's criticality and the channel's urgency, optionally overridden with a reason.

Ranks order the levels: 1 is the highest. A floor can only raise a level, never lower it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from itil_crm.engines.priority_matrix import lookup


@dataclass(frozen=True)
class Floor:
	level: str  # the impact (or urgency) it guarantees at least
	reason: str  # e.g. "key account Acme Retail"


@dataclass(frozen=True)
class PriorityDecision:
	impact: str | None  # effective impact after floors
	urgency: str | None  # effective urgency after floors
	matrix_priority: str | None  # what the matrix gives for the effective pair
	priority: str | None  # final priority (override wins)
	reasons: tuple[str, ...] = field(default_factory=tuple)
	overridden: bool = False


def _raise(level: str | None, ranks: dict[str, int], floors: list[Floor], what: str, reasons: list[str]):
	best = level
	for floor in floors:
		if floor.level not in ranks:
			continue
		if best is None or ranks[floor.level] < ranks.get(best, 10**9):
			reasons.append(f"{what} raised from {best or 'unset'} to {floor.level}: {floor.reason}")
			best = floor.level
	return best


def decide_priority(
	matrix: dict[tuple[str, str], str],
	impact_ranks: dict[str, int],
	urgency_ranks: dict[str, int],
	impact: str | None,
	urgency: str | None,
	impact_floors: list[Floor] | None = None,
	urgency_floors: list[Floor] | None = None,
	override: str | None = None,
	override_reason: str | None = None,
) -> PriorityDecision:
	"""Effective impact and urgency after their floors, the matrix priority, then the override."""
	reasons: list[str] = []
	eff_impact = _raise(impact, impact_ranks, impact_floors or [], "Impact", reasons)
	eff_urgency = _raise(urgency, urgency_ranks, urgency_floors or [], "Urgency", reasons)
	matrix_priority = lookup(matrix, eff_impact, eff_urgency)
	if override:
		if not (override_reason or "").strip():
			raise ValueError("A priority override needs a reason.")
		reasons.append(f"Priority overridden from {matrix_priority} to {override}: {override_reason.strip()}")
		return PriorityDecision(eff_impact, eff_urgency, matrix_priority, override, tuple(reasons), True)
	return PriorityDecision(eff_impact, eff_urgency, matrix_priority, matrix_priority, tuple(reasons), False)
