"""ITIL record lifecycles as validated state machines.

Each lifecycle lists its states and the moves allowed out of each state. A move may also name the
roles allowed to make it (e.g. only a change authority authorises a change). Nothing here knows
about frappe; the Frappe layer calls :func:`check_transition` and turns the error into a
``frappe.ValidationError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


class TransitionError(ValueError):
	"""A forbidden move.

	``kind`` is one of ``"new"`` (a new record not in the initial state), ``"unknown"`` (no such
	state), ``"move"`` (the move is not in the lifecycle) or ``"role"`` (the move needs a role the
	user lacks, listed in ``roles``). ``allowed`` lists the states reachable from ``current``.
	"""

	def __init__(
		self, lifecycle: str, kind: str, current: str | None, target: str, allowed: list[str], roles=()
	):
		self.lifecycle, self.kind, self.current, self.target = lifecycle, kind, current, target
		self.allowed, self.roles = allowed, sorted(roles)
		super().__init__(self.describe())

	def describe(self) -> str:
		if self.kind == "new":
			return f"A new {self.lifecycle} starts as {self.allowed[0]}, not {self.target}."
		if self.kind == "unknown":
			return (
				f"{self.lifecycle}: unknown status {self.target}. Valid statuses: {', '.join(self.allowed)}."
			)
		if self.kind == "role":
			return (
				f"{self.lifecycle}: moving from {self.current} to {self.target} needs one of these roles: "
				f"{', '.join(self.roles)}."
			)
		moves = ", ".join(self.allowed) if self.allowed else "none (final status)"
		return (
			f"{self.lifecycle}: cannot move from {self.current} to {self.target}. "
			f"Allowed from {self.current}: {moves}."
		)


@dataclass(frozen=True)
class Lifecycle:
	name: str
	initial: str
	moves: dict[str, tuple[str, ...]]
	# (from, to) -> roles allowed to make that move; moves not listed are open to anyone who may write
	guarded: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

	@cached_property
	def states(self) -> list[str]:
		seen: list[str] = []
		for src, targets in self.moves.items():
			for s in (src, *targets):
				if s not in seen:
					seen.append(s)
		return seen

	@property
	def final_states(self) -> list[str]:
		return [s for s in self.states if not self.moves.get(s)]

	def allowed_from(self, current: str) -> list[str]:
		return list(self.moves.get(current, ()))

	def check(self, current: str | None, target: str, roles: set[str] | frozenset[str] | None = None) -> None:
		"""Raise :class:`TransitionError` unless ``current -> target`` is allowed.

		``current`` is None for a new record: it must start in the initial state.
		``roles`` are the acting user's roles; ``None`` skips role guards (system actions).
		"""
		if target not in self.states:
			raise TransitionError(self.name, "unknown", current, target, self.states)
		if current is None:
			if target != self.initial:
				raise TransitionError(self.name, "new", None, target, [self.initial])
			return
		if current == target:
			return
		if target not in self.moves.get(current, ()):
			raise TransitionError(self.name, "move", current, target, self.allowed_from(current))
		needed = self.guarded.get((current, target))
		if needed and roles is not None and not (needed & set(roles)):
			raise TransitionError(self.name, "role", current, target, self.allowed_from(current), needed)


INCIDENT = Lifecycle(
	name="Incident",
	initial="New",
	moves={
		"New": ("Assigned", "In Progress", "Resolved", "Cancelled"),
		"Assigned": ("In Progress", "On Hold", "Resolved", "Cancelled"),
		"In Progress": ("On Hold", "Assigned", "Resolved", "Cancelled"),
		"On Hold": ("In Progress", "Resolved", "Cancelled"),
		"Resolved": ("Closed", "In Progress"),  # reopen resumes work
		"Closed": (),
		"Cancelled": (),
	},
)

# The incident's vocabulary, beside its lifecycle: the statuses in which it is still worked (its clocks run,
# it sits in a queue), those that count as the first response to the caller, and those that end it.
OPEN_STATUSES = ("New", "Assigned", "In Progress", "On Hold")
RESPONDED_STATUSES = ("In Progress", "Resolved")
RESOLVED_STATUSES = ("Resolved", "Closed")
ENDED_STATUSES = ("Closed", "Cancelled")

PROBLEM = Lifecycle(
	name="Problem",
	initial="New",
	moves={
		"New": ("Under Investigation", "Closed"),
		"Under Investigation": ("Known Error", "Resolved", "Closed"),
		"Known Error": ("Resolved", "Under Investigation"),
		"Resolved": ("Closed", "Under Investigation"),
		"Closed": (),
	},
)

CHANGE_AUTHORITY = frozenset({"ITIL Change Manager", "ITIL CAB Member", "System Manager"})

CHANGE = Lifecycle(
	name="Change",
	initial="Draft",
	moves={
		"Draft": ("Assessment", "Cancelled"),
		"Assessment": ("Authorized", "Rejected", "Draft", "Cancelled"),
		"Authorized": ("Scheduled", "Cancelled"),
		"Scheduled": ("Implementing", "Cancelled"),
		"Implementing": ("Review", "Backed Out"),
		"Review": ("Closed",),
		"Backed Out": ("Review", "Closed"),
		"Closed": (),
		"Rejected": (),
		"Cancelled": (),
	},
	guarded={
		("Assessment", "Authorized"): CHANGE_AUTHORITY,
		("Assessment", "Rejected"): CHANGE_AUTHORITY,
	},
)

GO_LIVE = Lifecycle(
	name="Go-Live",
	initial="Planned",
	moves={
		"Planned": ("In Warranty",),
		"In Warranty": ("Extended", "Final Review"),
		"Extended": ("Final Review",),
		"Final Review": ("Closed", "Extended"),
		"Closed": (),
	},
)

LIFECYCLES = {lc.name: lc for lc in (INCIDENT, PROBLEM, CHANGE, GO_LIVE)}
