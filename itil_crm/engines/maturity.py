"""The ITIL maturity self-assessment's rules, without Frappe: the 1-5 scale, the level a question's
evidence proposes, the scores per practice and overall, the comparison with the previous assessment, the
weak answers that become improvement actions, and whether an improvement action's KPI moved.

A question answered from the data has four thresholds, for levels 2 to 5, strictly increasing, in the
unit of its evidence measure (every measure is "higher is better": a share of 0-100 %, or a count per
item). The proposed level is 1 plus the number of thresholds the evidence reaches. A practice's score is
the mean of the levels chosen for its answered questions, the overall score the mean of the practices'
(unrounded) scores; both rounded to 2 decimals.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LEVELS = (1, 2, 3, 4, 5)
LEVEL_NAMES = {1: "Initial", 2: "Repeatable", 3: "Defined", 4: "Managed", 5: "Optimising"}
# the practices the app covers, in the order the questionnaire, the scores and the chart show them
PRACTICES = (
	"Service Desk",
	"Incident Management",
	"Problem Management",
	"Known Errors",
	"Change Enablement",
	"Configuration Management",
	"Service Level Management",
	"Service Transition / Warranty",
)
WEAK_BELOW = 3  # an answer below "Defined" is weak: it becomes an improvement action
MOVES = ("Better", "Worse", "Same")
THRESHOLD_LEVELS = (2, 3, 4, 5)
PERCENT, PER_ITEM = "%", "per item"
# the measures that answer a question from the data (continual_improvement/maturity_evidence.py), each
# higher-is-better: key -> (practice, unit)
EVIDENCE_MEASURES = {
	"incidents_with_support_group": ("Service Desk", PERCENT),
	"incidents_with_caller": ("Service Desk", PERCENT),
	"incidents_with_ci": ("Incident Management", PERCENT),
	"incidents_with_resolution_code": ("Incident Management", PERCENT),
	"p1_with_problem": ("Problem Management", PERCENT),
	"problems_with_root_cause": ("Problem Management", PERCENT),
	"known_errors_used": ("Known Errors", PERCENT),
	"known_errors_published": ("Known Errors", PERCENT),
	"changes_reviewed": ("Change Enablement", PERCENT),
	"changes_with_ci": ("Change Enablement", PERCENT),
	"relationships_per_ci": ("Configuration Management", PER_ITEM),
	"cis_with_owner": ("Configuration Management", PERCENT),
	"ola_coverage": ("Service Level Management", PERCENT),
	"uc_coverage": ("Service Level Management", PERCENT),
	"sla_met_share": ("Service Level Management", PERCENT),
	"go_lives_reviewed": ("Service Transition / Warranty", PERCENT),
	"go_lives_with_change": ("Service Transition / Warranty", PERCENT),
}


class MaturityError(ValueError):
	"""A rule refused a value; ``code`` says which (the Frappe layer words the message)."""

	def __init__(self, code: str, value=None):
		super().__init__(f"{code}: {value!r}")
		self.code, self.value = code, value


def check_level(level) -> int:
	"""A level of the scale (a whole number 1-5), else MaturityError("level")."""
	if isinstance(level, bool) or not isinstance(level, int | float) or level != int(level):
		raise MaturityError("level", level)
	if int(level) not in LEVELS:
		raise MaturityError("level", level)
	return int(level)


def check_thresholds(thresholds: Sequence[float | None]) -> tuple[float, ...] | None:
	"""The thresholds of levels 2-5 as floats, strictly increasing; None when all are empty (a question
	answered by hand). Some empty, not numbers or not increasing: MaturityError."""
	values = list(thresholds or [])
	if all(v is None for v in values):
		return None
	if len(values) != len(THRESHOLD_LEVELS) or any(v is None for v in values):
		raise MaturityError("thresholds_missing", values)
	if any(isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) for v in values):
		raise MaturityError("thresholds_number", values)
	if any(b <= a for a, b in itertools.pairwise(values)):
		raise MaturityError("thresholds_order", values)
	return tuple(float(v) for v in values)


def propose_level(value: float | None, thresholds: Sequence[float | None] | None) -> int | None:
	"""The level the evidence reaches: 1 + the number of thresholds at or below it. None without evidence
	or without thresholds."""
	checked = check_thresholds(thresholds or [])
	if value is None or checked is None:
		return None
	return 1 + sum(1 for t in checked if value >= t)


def _check_practice(practice: str) -> str:
	if practice not in PRACTICES:
		raise MaturityError("practice", practice)
	return practice


def _means(answers: Iterable[tuple[str, int | None]]) -> dict[str, float]:
	levels: dict[str, list[int]] = {}
	for practice, level in answers:
		_check_practice(practice)
		if level is not None:
			levels.setdefault(practice, []).append(check_level(level))
	return {p: sum(levels[p]) / len(levels[p]) for p in PRACTICES if p in levels}


def practice_scores(answers: Iterable[tuple[str, int | None]]) -> dict[str, float]:
	"""{practice: mean of its answered levels, 2 decimals}, in the order of PRACTICES; a practice with no
	answered question has no score. ``answers`` are (practice, level or None when not answered)."""
	return {p: round(mean, 2) for p, mean in _means(answers).items()}


def overall_score(scores: dict[str, float]) -> float | None:
	"""The mean of the practices' scores (2 decimals), None when no practice was scored."""
	if not scores:
		return None
	return round(sum(scores.values()) / len(scores), 2)


def overall_from_answers(answers: Iterable[tuple[str, int | None]]) -> float | None:
	"""The overall score from the unrounded practice means (what an assessment stores)."""
	means = _means(answers)
	return round(sum(means.values()) / len(means), 2) if means else None


@dataclass(frozen=True)
class Comparison:
	practice: str
	score: float | None
	previous: float | None
	change: float | None  # score - previous, 2 decimals; None when either is missing


def compare(current: dict[str, float], previous: dict[str, float]) -> list[Comparison]:
	"""One row per practice scored now or before, in the order of PRACTICES."""
	rows = []
	for practice in PRACTICES:
		score, before = current.get(practice), previous.get(practice)
		if score is None and before is None:
			continue
		change = round(score - before, 2) if score is not None and before is not None else None
		rows.append(Comparison(practice, score, before, change))
	return rows


def weak_answers(answers: Iterable[tuple[object, int | None]], below: int = WEAK_BELOW) -> list:
	"""The keys of the answered questions whose level is below ``below``, in the given order."""
	return [key for key, level in answers if level is not None and check_level(level) < below]


def movement(
	baseline: float | None,
	current: float | None,
	target: float | None = None,
	better: str = "higher",
) -> str | None:
	"""Did a KPI move since the baseline: "Better" (towards the target, or the KPI's better direction when
	there is no target or the baseline is at it), "Worse", "Same"; None when either value is missing or
	the KPI has no direction (``better`` "none", a volume) and no target to move to."""
	if baseline is None or current is None:
		return None
	if math.isclose(current, baseline, rel_tol=1e-9, abs_tol=1e-9):
		return "Same"
	if target is not None and not math.isclose(target, baseline, rel_tol=1e-9, abs_tol=1e-9):
		direction = 1 if target > baseline else -1
	elif better == "higher":
		direction = 1
	elif better == "lower":
		direction = -1
	else:
		return None
	return "Better" if (current - baseline) * direction > 0 else "Worse"
