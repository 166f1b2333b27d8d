"""Throughput of the pure engines used on every save (no frappe needed).

	python benchmarks/bench_engines.py

Prints operations per second for a lifecycle check, a priority-matrix lookup and a matrix
validation (the check run when ITIL Settings is saved), on a 3 x 3 and a 10 x 10 matrix.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from itil_crm.engines.lifecycle import CHANGE, INCIDENT
from itil_crm.engines.priority_matrix import lookup, validate_matrix
from itil_crm.setup.default_data import PRIORITY_MATRIX


def rate(fn, n: int) -> float:
	start = time.perf_counter()
	for _ in range(n):
		fn()
	return n / (time.perf_counter() - start)


def main():
	levels = ["High", "Medium", "Low"]
	entries = [(i, u, p) for (i, u), p in PRIORITY_MATRIX.items()]
	matrix = validate_matrix(levels, levels, entries)
	big = [f"L{k}" for k in range(10)]
	big_entries = [(i, u, "P") for i in big for u in big]
	results = {
		"incident lifecycle check (In Progress -> Resolved)": rate(
			lambda: INCIDENT.check("In Progress", "Resolved", {"ITIL Support Engineer"}), 200_000
		),
		"change lifecycle check with role guard": rate(
			lambda: CHANGE.check("Assessment", "Authorized", {"ITIL CAB Member"}), 200_000
		),
		"priority lookup (3 x 3)": rate(lambda: lookup(matrix, "Medium", "High"), 500_000),
		"matrix validation (3 x 3)": rate(lambda: validate_matrix(levels, levels, entries), 50_000),
		"matrix validation (10 x 10)": rate(lambda: validate_matrix(big, big, big_entries), 5_000),
	}
	width = max(map(len, results))
	for name, ops in results.items():
		print(f"{name:<{width}}  {ops:>12,.0f} ops/s")


if __name__ == "__main__":
	main()
