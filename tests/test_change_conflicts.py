from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.change_conflicts import Window, find_conflicts, overlaps

T0 = datetime(2026, 12, 1, 8, 0)


def w(start_h, end_h):
	return Window(T0 + timedelta(hours=start_h), T0 + timedelta(hours=end_h))


def test_a_change_on_a_related_ci_in_the_same_window_conflicts():
	others = [("CHG-2", w(1, 3), {"db"}), ("CHG-3", w(5, 6), {"db"}), ("CHG-4", w(1, 3), {"wiki"})]
	found = find_conflicts(w(0, 2), {"app", "db"}, others, [])
	assert [(c.kind, c.with_, c.cis) for c in found] == [("change", "CHG-2", ("db",))]


def test_a_freeze_window_conflicts_and_touching_windows_do_not():
	found = find_conflicts(w(0, 2), {"app"}, [("CHG-2", w(2, 4), {"app"})], [("Year-end close", w(1, 30))])
	assert [(c.kind, c.with_) for c in found] == [("freeze", "Year-end close")]


windows = st.tuples(st.integers(0, 100), st.integers(1, 50)).map(lambda t: w(t[0], t[0] + t[1]))


@given(windows, windows)
def test_overlap_is_symmetric_and_means_a_shared_instant(a, b):
	assert overlaps(a, b) == overlaps(b, a)
	shared = max(a.start, b.start) < min(a.end, b.end)
	assert overlaps(a, b) == shared


@given(windows, st.lists(st.tuples(windows, st.sets(st.sampled_from("abcd"), max_size=3)), max_size=6))
def test_every_conflict_overlaps_and_shares_a_ci(window, others):
	changes = [(f"CHG-{i}", other, cis) for i, (other, cis) in enumerate(others)]
	found = find_conflicts(window, {"a", "b"}, changes, [])
	expected = {name for name, other, cis in changes if cis & {"a", "b"} and overlaps(window, other)}
	assert {c.with_ for c in found} == expected
