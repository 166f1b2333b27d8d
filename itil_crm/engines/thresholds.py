"""Warning thresholds of a service-level clock, e.g. "50, 75, 100" (percent of the target)."""

from __future__ import annotations


class ThresholdError(ValueError):
	pass


def parse_thresholds(text: str | None) -> list[float]:
	"""Sorted, distinct percentages in (0, 100]. Empty text gives the ITIL default 50 / 75 / 100."""
	if not text or not str(text).strip():
		return [50.0, 75.0, 100.0]
	values = []
	for part in str(text).replace(";", ",").split(","):
		part = part.strip().rstrip("%").strip()
		if not part:
			continue
		try:
			value = float(part)
		except ValueError:
			raise ThresholdError(f"Warning threshold {part!r} is not a number: write e.g. 50, 75, 100.")
		if not 0 < value <= 100:
			raise ThresholdError(f"Warning threshold {part}% must be above 0 and at most 100.")
		values.append(value)
	if not values:
		raise ThresholdError("Give at least one warning threshold, e.g. 50, 75, 100.")
	return sorted(set(values))
