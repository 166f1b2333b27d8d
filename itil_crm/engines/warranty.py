"""The post-go-live warranty period (ITIL early life support, R7-R11), as pure rules (no frappe).

- The warranty runs from the go-live date to its end (go-live + N days); a go-live in Planned enters
  its warranty on the go-live date and reaches its final review at the warranty end.
- Each checklist item is due a number of days before or after the go-live. Its owner is reminded once
  when the item comes due (within the lead time) and once more when it is overdue, never twice.
- The exit criteria: every mandatory item done, no open warranty incident at or above a blocking
  priority, SLA compliance of the warranty incidents at or above the target. Each can be switched off.
  A go-live may add QoS objectives (SLA met %, availability, P1 count, MTTR), judged on the warranty
  period's KPIs as the service review computes them (engines.service_kpis decides which way is better).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from itil_crm.engines import service_kpis

# The go-live checklist's vocabulary, one source for the Select fields of the checklist template's items,
# the go-live's checklist items and stakeholders (a pure test checks that their options are these).
REQUIREMENTS = (
	"R7 Processes & Stakeholders",
	"R8 Buy-in & Communication",
	"R9 Training",
	"R10 Documentation & CMDB",
	"R11 Warranty & Final Review",
)
CATEGORIES = (
	"Process",
	"Stakeholders",
	"Communication",
	"Training",
	"Documentation",
	"Environments",
	"Support",
	"Review",
)
STAKEHOLDER_ROLES = (
	"User",
	"Supervisor",
	"Key User",
	"Level 1 Support",
	"Third-Party Maintenance",
	"Security Officer",
	"External Party",
)
OWNER_ROLES = ("Project Manager", "Support Group", "Change Manager", *STAKEHOLDER_ROLES)
DUE_FROM = ("", "Go-Live", "Warranty End")
# (doctype, field) -> the vocabulary its options are
OPTION_LISTS = {
	**{
		(doctype, field): words
		for doctype in ("ITIL Go-Live Checklist Template Item", "ITIL Go-Live Checklist Item")
		for field, words in (
			("requirement", REQUIREMENTS),
			("category", CATEGORIES),
			("owner_role", OWNER_ROLES),
			("due_from", DUE_FROM),
		)
	},
	("ITIL Go-Live Stakeholder", "stakeholder_role"): STAKEHOLDER_ROLES,
}

IN_WARRANTY = ("In Warranty", "Extended")
BREACHED = frozenset({"Breached", "Missed"})
KEPT = frozenset({"On Track", "Warning", "Paused", "Met"})


def warranty_end(go_live: date, days: int) -> date:
	if days <= 0:
		raise ValueError("the warranty lasts at least one day")
	return go_live + timedelta(days=days)


def due_date(go_live: date, offset_days: int | None) -> date | None:
	"""An item is due `offset_days` after the go-live (before it if negative); None: no due date."""
	return None if offset_days is None else go_live + timedelta(days=offset_days)


def scheduled_moves(status: str, go_live: date, end: date | None, today: date) -> list[str]:
	"""The moves the daily job makes: into the warranty on the go-live date, to the final review at
	the warranty end. Empty when there is nothing to do (a re-run changes nothing)."""
	moves = []
	if status == "Planned" and today >= go_live:
		moves.append("In Warranty")
		status = "In Warranty"
	if status in IN_WARRANTY and end is not None and today >= end:
		moves.append("Final Review")
	return moves


def reminder_stage(
	due: date | None, today: date, done: bool, lead_days: int, stage: str | None
) -> str | None:
	"""The reminder to send now for one item: "due" once it comes within `lead_days` of its due date,
	"overdue" once past it; None when it is done, has no due date, or was already reminded at that
	stage (an item first seen overdue gets the overdue reminder only)."""
	if done or due is None:
		return None
	if today > due:
		return None if stage == "overdue" else "overdue"
	if today >= due - timedelta(days=max(lead_days, 0)) and not stage:
		return "due"
	return None


def sla_compliance(statuses: Iterable[str | None]) -> float | None:
	"""Share (%) of the incidents under an agreement that kept it; None when none has an agreement."""
	kept = breached = 0
	for s in statuses:
		if s in BREACHED:
			breached += 1
		elif s in KEPT:
			kept += 1
	total = kept + breached
	return None if total == 0 else round(100.0 * kept / total, 1)


@dataclass(frozen=True)
class ExitRules:
	mandatory_items: bool = True
	blocking_rank: int | None = 2  # open incidents of this rank or more urgent (1 = top) block the exit
	sla_target: float | None = 95.0  # None: not a criterion
	# the go-live's QoS objectives: (KPI key of engines.service_kpis, objective), e.g. ("sla_met", 95)
	qos: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Criterion:
	key: str  # "mandatory_items" | "open_incidents" | "sla_compliance" | "qos_<KPI key>"
	met: bool
	failing: tuple[str, ...] = field(default_factory=tuple)  # items or incidents in the way
	value: float | None = None  # compliance (%) for "sla_compliance", the KPI's value for a QoS objective
	objective: float | None = None  # a QoS objective's target


def exit_criteria(
	items: Iterable[tuple[str, bool, bool]],
	open_incidents: Iterable[tuple[str, int | None]],
	sla_statuses: Iterable[str | None],
	rules: ExitRules,
	qos_values: Mapping[str, float | None] | None = None,
) -> list[Criterion]:
	"""items: (task, mandatory, done); open_incidents: (name, priority rank) of the open warranty
	incidents; sla_statuses: of every warranty incident; qos_values: the KPIs of the warranty period
	(as the service review computes them) for the QoS objectives. An objective with nothing to measure
	yet (no incident resolved) holds, as the SLA compliance does."""
	result = []
	if rules.mandatory_items:
		missing = tuple(task for task, mandatory, done in items if mandatory and not done)
		result.append(Criterion("mandatory_items", not missing, missing))
	if rules.blocking_rank is not None:
		blocking = tuple(
			name for name, rank in open_incidents if rank is not None and rank <= rules.blocking_rank
		)
		result.append(Criterion("open_incidents", not blocking, blocking))
	if rules.sla_target is not None:
		value = sla_compliance(sla_statuses)
		result.append(Criterion("sla_compliance", value is None or value >= rules.sla_target, (), value))
	for kpi, objective in rules.qos:
		value = (qos_values or {}).get(kpi)
		met = service_kpis.meets(kpi, value, objective)
		result.append(Criterion(f"qos_{kpi}", met is not False, (), value, objective))
	return result
