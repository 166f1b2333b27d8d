"""Who authorises a change, as pure rules (no frappe).

- The risk level comes from the risk assessment: weighted yes/no questions; the share of the weight
  answered yes gives Low (under 34 %), Medium (under 67 %) or High.
- The change authority follows the type and the risk: a standard change is pre-authorised; a normal
  change of low risk is authorised by a change manager; medium and high risk go to the CAB, which
  decides by its members' votes once the quorum is reached; an emergency change goes to the emergency
  CAB (a smaller quorum) and needs a retrospective review before it closes.
"""

from __future__ import annotations

from dataclasses import dataclass

MANAGERS = frozenset({"ITIL Change Manager", "System Manager"})
CAB = frozenset({"ITIL CAB Member"})
ECAB = frozenset({"ITIL CAB Member", "ITIL Change Manager"})


def risk_level(answers: list[tuple[float, bool]]) -> tuple[float, str | None]:
	"""(score %, level) from (weight, yes) pairs; no weighted question: (0, None), the risk is set by hand."""
	total = sum(max(w, 0) for w, _yes in answers)
	if total <= 0:
		return 0.0, None
	score = round(100 * sum(max(w, 0) for w, yes in answers if yes) / total, 1)
	return score, "Low" if score < 34 else "Medium" if score < 67 else "High"


def authority(change_type: str, risk: str | None) -> str:
	"""standard | manager | cab | ecab"""
	if change_type == "Standard":
		return "standard"
	if change_type == "Emergency":
		return "ecab"
	return "manager" if risk == "Low" else "cab"


def voters(kind: str) -> frozenset[str]:
	return ECAB if kind == "ecab" else CAB


@dataclass(frozen=True)
class Tally:
	approvals: int
	rejections: int
	decision: str | None  # "Approved", "Rejected" or None (pending)


def tally(votes: list[str], quorum: int) -> Tally:
	"""Votes are "Approve" / "Reject", one per member. Decided once at least `quorum` members voted:
	approved if more approve than reject, else rejected."""
	approvals = sum(1 for v in votes if v == "Approve")
	rejections = sum(1 for v in votes if v == "Reject")
	if approvals + rejections < max(quorum, 1):
		return Tally(approvals, rejections, None)
	return Tally(approvals, rejections, "Approved" if approvals > rejections else "Rejected")


def may_decide(kind: str, roles: set[str], decision: str | None) -> bool:
	"""May this user move the change out of Assessment by hand? Standard: anyone who may edit it;
	low-risk normal: a change manager; CAB / ECAB: only the votes decide (a change manager may still
	reject)."""
	if kind == "standard":
		return True
	if kind == "manager":
		return bool(roles & MANAGERS)
	return decision is not None
