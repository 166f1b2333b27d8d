"""Deadlines per second on a realistic service calendar, and proof that the cost is flat in the
target's length (no walking day by day).

	python benchmarks/bench_business_time.py

Calendar: Europe/Paris, Monday-Friday 09:00-12:30 and 13:30-18:00 (two intervals a day, 8 h),
the 11-13 French public holidays of each year from 2026 to 2030 (a dozen a year), DST changes included.
Targets: 4 business hours, 3 business days (24 h), 30 business days (240 h), and 300 business days
to show the trend. Starts are spread over two years at random minutes.
"""

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from itil_crm.engines.business_time import Calendar, add_business_seconds, business_seconds_between

HOLIDAYS = [
	"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25", "2026-07-14",
	"2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25", "2026-12-24",
	"2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17", "2027-07-14",
	"2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25", "2027-12-24",
	"2028-01-01", "2028-04-17", "2028-05-01", "2028-05-08", "2028-05-25", "2028-06-05", "2028-07-14",
	"2028-08-15", "2028-11-01", "2028-11-11", "2028-12-25", "2028-12-26",
	"2029-01-01", "2029-04-02", "2029-05-01", "2029-05-08", "2029-05-10", "2029-05-21", "2029-07-14",
	"2029-08-15", "2029-11-01", "2029-11-11", "2029-12-25", "2029-12-24",
	"2030-01-01", "2030-04-22", "2030-05-01", "2030-05-08", "2030-05-30", "2030-06-10", "2030-07-14",
	"2030-08-15", "2030-11-01", "2030-11-11", "2030-12-25", "2030-12-24",
]  # fmt: skip
HOUR = 3600


def calendar() -> Calendar:
	days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
	return Calendar.build(
		"Europe/Paris",
		[(d, s, e) for d in days for s, e in (("09:00", "12:30"), ("13:30", "18:00"))],
		HOLIDAYS,
	)


def starts(n: int) -> list[dt.datetime]:
	rng = random.Random(42)
	base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
	return [base + dt.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)) for _ in range(n)]


def measure(cal, label, seconds, moments):
	stats = {"day_steps": 0, "week_skips": 0}
	for m in moments[:1000]:
		add_business_seconds(cal, m, seconds, stats)
	t0 = time.perf_counter()
	for m in moments:
		add_business_seconds(cal, m, seconds)
	elapsed = time.perf_counter() - t0
	per_s = len(moments) / elapsed
	print(
		f"{label:<22} {per_s:>10,.0f} deadlines/s   {1e6 / per_s:>7.1f} us each   "
		f"day steps/deadline {stats['day_steps'] / 1000:>5.1f}   week skips/deadline {stats['week_skips'] / 1000:>5.1f}"
	)


TARGETS = (
	("4 business hours", 4 * HOUR),
	("3 business days", 3 * 8 * HOUR),
	("30 business days", 30 * 8 * HOUR),
	("300 business days", 300 * 8 * HOUR),
)


def main():
	cal = calendar()
	moments = starts(20_000)
	add_business_seconds(cal, moments[0], HOUR)  # warm the per-calendar and per-year caches
	print(f"calendar: 2 intervals/day, {len(HOLIDAYS)} holidays over 5 years, Europe/Paris (DST)")
	for label, seconds in TARGETS:
		measure(cal, label, seconds, moments)
	t0 = time.perf_counter()
	n = 5000
	for m in moments[:n]:
		business_seconds_between(cal, m, m + dt.timedelta(days=45))
	print(f"{'count over 45 days':<22} {n / (time.perf_counter() - t0):>10,.0f} counts/s")


if __name__ == "__main__":
	main()
