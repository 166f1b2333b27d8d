"""The KPI engine of the observatory: figures from additive counters, comparisons, ranks, availability."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from itil_crm.engines import service_kpis as sk
from itil_crm.engines.business_time import Calendar

PARIS = ZoneInfo("Europe/Paris")
OFFICE = Calendar.build(
	"Europe/Paris",
	[(d, "09:00", "12:30") for d in range(5)] + [(d, "13:30", "18:00") for d in range(5)],
)
ROUND_THE_CLOCK = Calendar.build("UTC", [], is_24x7=True)


def paris(day, hour, minute=0):
	return dt.datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


def test_every_kpi_of_the_contract_is_in_the_catalogue_with_its_default_target():
	assert [k.key for k in sk.CATALOGUE] == [
		"incidents", "sla_met", "ola_met", "uc_met", "mttr_hours", "first_response_hours",
		"first_contact_resolution", "tier_resolution", "reopen_rate", "known_error_workaround",
		"major_incidents", "major_incident_hours", "problems_opened", "problems_resolved",
		"changes_implemented", "change_success", "change_incidents", "availability",
	]  # fmt: skip
	targets = {k.key: k.default_target for k in sk.CATALOGUE if k.target_field}
	assert targets["sla_met"] == 95 and targets["mttr_hours"] == 8 and targets["availability"] == 99.5
	assert targets["major_incidents"] == 0 and targets["tier_resolution"] == 80
	assert sk.KPIS["reopen_rate"].better == sk.LOWER and sk.KPIS["incidents"].better is None


def test_figures_are_ratios_of_sums_and_none_when_nothing_was_measured():
	figures = sk.figures_from_counters(
		{"opened": 4, "resolved": 2, "sla_measured": 2, "sla_met": 1, "resolution_counted": 2,
		 "resolution_seconds": 3 * 3600, "fcr": 1, "p1_opened": 1, "p1_resolved": 1, "p1_wall_seconds": 7200}
	)  # fmt: skip
	assert figures["incidents"] == 4 and figures["sla_met"] == 50.0 and figures["mttr_hours"] == 1.5
	assert figures["first_contact_resolution"] == 50.0 and figures["major_incident_hours"] == 2.0
	assert figures["ola_met"] is None and figures["first_response_hours"] is None
	assert sk.figures_from_counters({})["sla_met"] is None


counter_rows = st.lists(
	st.fixed_dictionaries({c: st.integers(0, 50) for c in sk.COUNTERS}), min_size=1, max_size=6
)


@given(counter_rows, counter_rows)
def test_counters_are_additive_across_months(first, second):
	"""A quarter's figures are the figures of the summed months, whatever the split."""
	whole = sk.figures_from_counters(sk.add_counters(*first, *second))
	split = sk.figures_from_counters(sk.add_counters(sk.add_counters(*first), sk.add_counters(*second)))
	assert whole == split


def test_compare_with_target_and_previous_by_direction():
	assert sk.compare("sla_met", 96, 95, 90) == sk.Comparison(True, "better")
	assert sk.compare("mttr_hours", 9, 8, 7) == sk.Comparison(False, "worse")
	assert sk.compare("reopen_rate", 4, 5, 4) == sk.Comparison(True, "same")
	assert sk.compare("incidents", 10, None, 5) == sk.Comparison(None, None)
	assert sk.compare("sla_met", None, 95, 90) == sk.Comparison(None, None)


def test_ranks_follow_the_better_direction_and_share_ties():
	assert sk.ranks({"a": 90, "b": 99, "c": 90, "d": None}, "sla_met") == {"a": 2, "b": 1, "c": 2, "d": None}
	assert sk.ranks({"a": 3.0, "b": 1.0}, "mttr_hours") == {"a": 2, "b": 1}
	assert sk.ranks({"a": 3}, "incidents") == {"a": None}


def test_availability_counts_overlapping_outages_once_in_service_hours():
	# Monday 2 March 2026: outages 10:00-14:00 and 13:00-15:00 -> 10:00-12:30 + 13:30-15:00 = 4 h
	result = sk.availability(
		OFFICE, paris(2, 0), paris(7, 0), [(paris(2, 10), paris(2, 14)), (paris(2, 13), paris(2, 15))]
	)
	assert (result.service_seconds, result.lost_seconds) == (5 * 8 * 3600, 4 * 3600)
	assert result.availability == 90.0
	# an outage outside service hours (Saturday) loses nothing; one across the period is clipped
	assert sk.availability(OFFICE, paris(2, 0), paris(7, 0), [(paris(7, 10), paris(7, 12))]).lost_seconds == 0
	clipped = sk.availability(OFFICE, paris(2, 0), paris(3, 0), [(paris(1, 0), paris(2, 10))])
	assert clipped.lost_seconds == 3600


moments = st.integers(0, 14 * 24 * 60).map(
	lambda m: dt.datetime(2026, 3, 2, tzinfo=PARIS) + dt.timedelta(minutes=m)
)
outage_lists = st.lists(st.tuples(moments, moments), max_size=8)


@settings(max_examples=60, deadline=None)
@given(outage_lists)
def test_availability_is_between_0_and_100_and_overlaps_count_once(outages):
	start, end = paris(4, 0), paris(12, 0)
	result = sk.availability(OFFICE, start, end, outages)
	assert 0 <= result.lost_seconds <= result.service_seconds
	assert 0 <= result.availability <= 100
	doubled = sk.availability(OFFICE, start, end, outages + outages)
	assert doubled.lost_seconds == result.lost_seconds


@given(outage_lists)
def test_union_is_disjoint_and_covers_the_same_instants(outages):
	merged = sk.union(outages)
	assert all(a < b for a, b in merged)
	assert all(merged[i][1] < merged[i + 1][0] for i in range(len(merged) - 1))
	lost = sk.availability(ROUND_THE_CLOCK, paris(1, 0), paris(31, 0), outages).lost_seconds
	assert lost == sum((b - a).total_seconds() for a, b in sk.clip(merged, paris(1, 0), paris(31, 0)))


def test_months_and_month_start():
	assert sk.months(dt.date(2025, 11, 1), dt.date(2026, 2, 1)) == [
		dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1)
	]  # fmt: skip
	assert sk.month_start(dt.date(2026, 1, 15), -1) == dt.date(2025, 12, 1)
	assert sk.month_start(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 1)
