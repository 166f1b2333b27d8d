"""The change authority at work (R10): risk from the assessment, who must authorise, CAB votes with a
quorum, pre-authorised standard changes, the emergency CAB and its retrospective review.
The rules are in itil_crm.engines.change_authority; this module applies them to ITIL Change."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from itil_crm.engines.change_authority import authority, may_decide, risk_level, tally, voters
from itil_crm.frappe_fixes.deadlocks import retried
from itil_crm.frappe_fixes.whitelisted_arguments import checked
from itil_crm.record_access import record

LABELS = {
	"standard": "Pre-authorised (standard change)",
	"manager": "Change Manager",
	"cab": "CAB",
	"ecab": "Emergency CAB",
}


def quorum(kind: str) -> int:
	settings = frappe.get_cached_doc("ITIL Settings")
	value = settings.get("ecab_quorum" if kind == "ecab" else "cab_quorum")
	return max(cint(value) or (1 if kind == "ecab" else 2), 1)


def assess(change) -> str:
	"""Before save: the questions of ITIL Settings on a new change, the risk from its answers, and the
	authority it needs."""
	if change.is_new() and not change.get("risk_answers"):
		for q in frappe.get_cached_doc("ITIL Settings").get("change_risk_questions") or []:
			change.append("risk_answers", {"question": q.question, "weight": q.weight, "answer": 0})
	score, level = risk_level([(r.weight or 0, bool(r.answer)) for r in change.get("risk_answers") or []])
	change.risk_score = score
	# assessed: the answers set the risk (a standard change takes its template's)
	if level and change.change_type != "Standard" and any(r.answer for r in change.risk_answers):
		change.risk = level
	kind = authority(change.change_type, change.risk)
	change.required_authority = LABELS[kind]
	return kind


def keep_change_authority(change) -> None:
	"""The change authority is who authorised or rejected the change, set by the server when it happens: a
	value sent with a save (a new change, an edit, the decision itself) is not kept."""
	before = None if change.is_new() else change.get_doc_before_save()
	change.change_authority = before.change_authority if before else None


def check_move(change, previous: str | None, kind: str) -> None:
	"""A move out of Assessment by hand is the authority's: refused otherwise."""
	if previous == "Draft" and change.status == "Assessment" and kind == "standard":
		change.status = "Authorized"  # pre-authorised: straight through
		change.flags.pre_authorised = True
		change.cab_notes = change.cab_notes or _("Pre-authorised standard change.")
		return
	if change.flags.decided_by_votes or frappe.session.user == "Administrator":
		return
	if previous != "Assessment" or change.status not in ("Authorized", "Rejected"):
		return
	decision = tally([v.decision for v in change.get("cab_votes") or []], quorum(kind)).decision
	roles = set(frappe.get_roles())
	if change.status == "Rejected" and roles & {"ITIL Change Manager", "System Manager"}:
		return  # a change manager may always stop a change
	wanted = "Approved" if change.status == "Authorized" else "Rejected"
	if not may_decide(kind, roles, decision) or (kind in ("cab", "ecab") and decision != wanted):
		frappe.throw(
			_("This change needs the {0} to decide: {1}.").format(
				_(LABELS[kind]),
				_("a change manager")
				if kind == "manager"
				else _("{0} vote(s) of its members").format(quorum(kind)),
			),
			frappe.ValidationError,
			title=_("Change authority"),
		)


def check_votes(change) -> None:
	"""The CAB Votes table is written by cast_vote only: a vote typed into the change (REST, desk, import)
	would let one member, or any writer of the change, decide for the CAB."""
	if change.flags.casting_vote or frappe.session.user == "Administrator":
		return
	before = change.get_doc_before_save()

	def votes(doc):
		return [(v.member, v.decision, v.comment or "") for v in (doc.get("cab_votes") or [])] if doc else []

	if votes(change) != votes(before):
		frappe.throw(
			_("CAB votes are cast with Vote by the CAB's members; they cannot be written into the change."),
			frappe.PermissionError,
			title=_("Change authority"),
		)


def check_close(change, previous: str | None) -> None:
	if (
		change.status == "Closed"
		and previous != "Closed"
		and change.change_type == "Emergency"
		and not (change.retrospective_review or "").strip()
	):
		frappe.throw(
			_("An emergency change needs its retrospective review before it closes."), frappe.ValidationError
		)


@frappe.whitelist(methods=["POST"])
@checked
def cast_vote(change: str, decision: str, comment: str | None = None) -> str:
	"""A CAB member's vote (emergency CAB: change managers too); once the quorum is reached the
	change is authorised or rejected. A member voting again replaces their vote."""
	if decision not in ("Approve", "Reject"):
		frappe.throw(_("Vote Approve or Reject."), frappe.ValidationError)
	doc = record("ITIL Change", change)
	kind = authority(doc.change_type, doc.risk)
	if kind not in ("cab", "ecab"):
		frappe.throw(
			_("This change is not decided by a CAB ({0}).").format(_(LABELS[kind])), frappe.ValidationError
		)
	if not set(frappe.get_roles()) & voters(kind):
		raise frappe.PermissionError(
			_("Only members of the {0} vote on this change.").format(_(LABELS[kind]))
		)
	if doc.status != "Assessment":
		frappe.throw(_("Votes are cast while the change is in Assessment."), frappe.ValidationError)
	# two members voting at the same moment (on one change or two) may deadlock on the votes' table: the
	# loser, rolled back whole, votes again on the change as it now is
	return retried(lambda: _record_vote(change, decision, comment, kind), VOTE_ATTEMPTS)


VOTE_ATTEMPTS = 3


def _record_vote(change: str, decision: str, comment: str | None, kind: str) -> str:
	doc = frappe.get_doc("ITIL Change", change)
	if doc.status != "Assessment":
		frappe.throw(_("Votes are cast while the change is in Assessment."), frappe.ValidationError)
	user = frappe.session.user
	doc.cab_votes = [v for v in doc.cab_votes if v.member != user]
	doc.append(
		"cab_votes",
		{"member": user, "decision": decision, "comment": (comment or "")[:2000], "voted_on": now_datetime()},
	)
	result = tally([v.decision for v in doc.cab_votes], quorum(kind))
	if result.decision:
		doc.status = "Authorized" if result.decision == "Approved" else "Rejected"
		doc.flags.decided_by_votes = True
	doc.flags.casting_vote = True
	doc.flags.ignore_permissions = True
	doc.save()
	return doc.status
