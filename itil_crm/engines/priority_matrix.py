"""Impact x urgency -> priority matrix: completeness check and lookup.

The matrix is any N x M table configured in ITIL Settings. Plain data only: impacts and urgencies are
names, entries are (impact, urgency, priority) triples.
"""

from __future__ import annotations

from collections.abc import Iterable


class MatrixError(ValueError):
	pass


def validate_matrix(
	impacts: Iterable[str], urgencies: Iterable[str], entries: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str], str]:
	"""Return the matrix as a dict, or raise :class:`MatrixError` naming every hole and duplicate."""
	impacts, urgencies = list(impacts), list(urgencies)
	matrix: dict[tuple[str, str], str] = {}
	duplicates, unknown = [], []
	for impact, urgency, priority in entries:
		if impact not in impacts or urgency not in urgencies:
			unknown.append(f"{impact} x {urgency}")
			continue
		if (impact, urgency) in matrix and matrix[(impact, urgency)] != priority:
			duplicates.append(f"{impact} x {urgency}")
		matrix[(impact, urgency)] = priority
	holes = [f"{i} x {u}" for i in impacts for u in urgencies if (i, u) not in matrix]
	problems = []
	if holes:
		problems.append("missing a priority for: " + ", ".join(holes))
	if duplicates:
		problems.append("more than one priority for: " + ", ".join(duplicates))
	if unknown:
		problems.append("unknown impact or urgency in: " + ", ".join(unknown))
	if problems:
		raise MatrixError("Priority matrix is " + "; ".join(problems) + ".")
	return matrix


def lookup(matrix: dict[tuple[str, str], str], impact: str | None, urgency: str | None) -> str | None:
	"""The priority for an impact x urgency pair, or None when either is unset or the pair is unknown."""
	if not impact or not urgency:
		return None
	return matrix.get((impact, urgency))
