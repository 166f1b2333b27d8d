"""Is a newly logged incident the same as one already open? Scores and merge rules (pure).

Candidates are found by the database through indexes (same caller / customer / CI, within a window),
a bounded set; this module only scores them and says whether a merge is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)
STOP = frozenset(
	"the and for with from that this not are was our your have has les des une pour dans sur pas est "
	"avec que qui".split()
)
THRESHOLD = 40.0  # a candidate below this score is not shown


def words(text: str | None) -> frozenset[str]:
	return frozenset(w for w in WORD.findall((text or "").lower()) if w not in STOP)


def similarity(a: str | None, b: str | None) -> float:
	"""Share of words in common (Jaccard), 0..1."""
	wa, wb = words(a), words(b)
	if not wa or not wb:
		return 0.0
	return len(wa & wb) / len(wa | wb)


@dataclass(frozen=True)
class Candidate:
	name: str
	subject: str
	same_caller: bool = False
	same_customer: bool = False
	same_ci: bool = False


def score(new_subject: str, c: Candidate) -> float:
	"""0..100: words shared weigh most; the same caller, customer or CI make it likelier."""
	text = similarity(new_subject, c.subject)
	who = 25.0 if c.same_caller else 15.0 if c.same_customer else 0.0
	# the same CI within its (short) window is enough on its own: a second report of one outage
	value = 60.0 * text + (who if text > 0 else 0.0) + (45.0 if c.same_ci else 0.0)
	return round(min(value, 100.0), 1)


def ranked(
	new_subject: str, candidates: list[Candidate], threshold: float = THRESHOLD
) -> list[tuple[str, float]]:
	out = [(c.name, score(new_subject, c)) for c in candidates]
	return sorted([r for r in out if r[1] >= threshold], key=lambda r: (-r[1], r[0]))


class MergeError(ValueError):
	pass


def check_merge(newcomer: str, master: str, master_status: str, duplicate_of: dict[str, str | None]) -> None:
	"""A newcomer merges into an open master that is not, through its own chain, a duplicate of the
	newcomer (``duplicate_of`` maps incidents to the incident they were merged into)."""
	if newcomer == master:
		raise MergeError("An incident cannot be merged into itself.")
	if master_status in ("Resolved", "Closed", "Cancelled"):
		raise MergeError(f"{master} is {master_status}: merge into an open incident.")
	seen, current = set(), master
	while current:
		if current == newcomer:
			raise MergeError(f"{master} is already a duplicate of {newcomer}: merging would make a cycle.")
		if current in seen:
			break
		seen.add(current)
		current = duplicate_of.get(current)
