"""The customer's answer to a resolution, as pure rules: they confirm it (the incident closes) or say it is
not solved (it reopens, with their reason). Nothing here imports frappe.

- :func:`read_answer` reads the answer at the top of a reply by mail: its first line of the customer's
  own text (quoted lines, ``> ...``, skipped) starts with a keyword, ``CONFIRM`` or ``NOT SOLVED`` (and
  their French and plain-word variants). A line that asks (``Solved?``) is no answer. Anything else is
  a plain reply (``None``): the Frappe layer treats it as a reply to a resolved incident always was
  (it reopens it).
- :func:`move_for` is the status move an answer asks for, checked against the incident's lifecycle:
  only a resolved incident is confirmed or reopened; the same answer given again (a double click, the
  mail sent twice) asks for nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from itil_crm.engines.lifecycle import INCIDENT, OPEN_STATUSES

CONFIRM, REOPEN = "confirm", "reopen"

# longest first within each answer; matched case-insensitively at the start of the first line
KEYWORDS = {
	REOPEN: (
		"not solved", "not resolved", "not fixed", "still broken", "reopen",
		"non résolu", "non resolu", "pas résolu", "pas resolu", "rouvrir",
	),
	CONFIRM: (
		"confirmed", "confirm", "solved", "resolved", "fixed",
		"confirmé", "confirme", "confirmer", "résolu", "resolu",
	),
}  # fmt: skip
TARGET = {CONFIRM: "Closed", REOPEN: "In Progress"}


@dataclass(frozen=True)
class Answer:
	kind: str  # CONFIRM or REOPEN
	reason: str = ""  # what follows the keyword (for REOPEN: the customer's words)


def first_line(text: str) -> str:
	"""The first line of the customer's own text: blank and quoted lines skipped."""
	for line in (text or "").splitlines():
		line = line.strip()
		if line and not line.startswith(">"):
			return line
	return ""


def read_answer(text: str) -> Answer | None:
	line = first_line(text)
	lowered = line.lower()
	for kind in (REOPEN, CONFIRM):  # "not solved" before "solved"
		for word in KEYWORDS[kind]:
			if not lowered.startswith(word):
				continue
			rest = line[len(word) :]
			if rest[:1].isalnum() or rest[:1] == "_":  # "confirmation", "fixedness": not the keyword
				continue
			if rest.strip().startswith("?"):  # "Solved?" asks, does not answer
				return None
			reason = _after(text, line, rest)
			return Answer(kind, reason if kind == REOPEN else "")
	return None


def _after(text: str, line: str, rest: str) -> str:
	"""What the customer wrote after the keyword: the rest of its line and the lines below it, up to the
	quoted mail."""
	lines = (text or "").splitlines()
	start = next(i for i, raw in enumerate(lines) if raw.strip() == line)
	own = [re.sub(r"^[\s:,.!;\-–—]+", "", rest)]
	for raw in lines[start + 1 :]:
		if raw.strip().startswith(">"):
			break
		own.append(raw.rstrip())
	return "\n".join(own).strip()


class AnswerRefused(ValueError):
	"""The answer does not fit the incident's status (e.g. confirming an incident still in progress)."""

	def __init__(self, kind: str, status: str):
		self.kind, self.status = kind, status
		super().__init__(f"cannot {kind} an incident that is {status}")


def move_for(kind: str, status: str) -> str | None:
	"""The status the answer moves the incident to; None when it has been done already (idempotent).

	Raises :class:`AnswerRefused` when the incident is not resolved (nor already where the answer
	leads), and the lifecycle's TransitionError should the lifecycle ever forbid the move."""
	target = TARGET[kind]
	if status == "Resolved":
		INCIDENT.check(status, target)
		return target
	if kind == CONFIRM and status == "Closed":
		return None
	if kind == REOPEN and status in OPEN_STATUSES:
		return None
	raise AnswerRefused(kind, status)
