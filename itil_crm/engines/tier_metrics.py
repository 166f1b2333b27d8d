"""Support tier metrics (R2): each level should resolve 80 % of the requests that reach it.

Input is the assignment history of incidents: one leg per assignment to a support group.
A request "reaches" a tier when it has at least one leg at that tier; it is "resolved at" the tier
whose leg was open when the incident was resolved.
The report counts in the database (each incident once per tier, and per tier and group) and gives the
counts to ``rates_from_counts``; ``tier_rates`` is the same rule over the legs themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Leg:
	incident: str
	group: str
	tier: int
	resolved_here: bool  # the incident was resolved while this leg was open


@dataclass(frozen=True)
class TierRate:
	tier: int
	group: str | None  # None: the whole tier
	received: int
	resolved: int
	rate: float  # percent; 0 when nothing was received
	target: float
	below_target: bool


def resolving_tier(legs: list[Leg]) -> int | None:
	"""The tier that resolved one incident (from that incident's legs), or None if unresolved."""
	for leg in legs:
		if leg.resolved_here:
			return leg.tier
	return None


def _rate(received: int, resolved: int) -> float:
	return 100.0 * resolved / received if received else 0.0


def tier_rates(legs: list[Leg], target: float = 80.0) -> list[TierRate]:
	"""Per tier, then per tier and group: requests received, resolved there, rate against the target."""
	received: dict[tuple[int, str | None], set[str]] = defaultdict(set)
	resolved: dict[tuple[int, str | None], set[str]] = defaultdict(set)
	for leg in legs:
		for key in ((leg.tier, None), (leg.tier, leg.group)):
			received[key].add(leg.incident)
			if leg.resolved_here:
				resolved[key].add(leg.incident)
	return rates_from_counts({key: (len(received[key]), len(resolved[key])) for key in received}, target)


def rates_from_counts(
	counts: dict[tuple[int, str | None], tuple[int, int]], target: float = 80.0
) -> list[TierRate]:
	"""The same rates from counts the database made: (tier, group or None for the whole tier) ->
	(incidents received, resolved there), each incident once per key."""
	out = []
	for key in sorted(counts, key=lambda k: (k[0], k[1] is not None, k[1] or "")):
		n, r = counts[key]
		rate = round(_rate(n, r), 2)
		out.append(TierRate(key[0], key[1], n, r, rate, target, n > 0 and rate < target))
	return out
