import pytest
from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.priority_matrix import MatrixError, lookup, validate_matrix
from itil_crm.engines.thresholds import ThresholdError, parse_thresholds
from itil_crm.setup import default_data

LEVELS = ["High", "Medium", "Low"]

# The ITIL table from the issue, written independently of default_data
ISSUE_TABLE = {
	"P1 Critical": [("High", "High")],
	"P2 High": [("High", "Medium"), ("Medium", "High")],
	"P3 Moderate": [("High", "Low"), ("Medium", "Medium"), ("Low", "High")],
	"P4 Low": [("Medium", "Low"), ("Low", "Medium")],
	"P5 Planning": [("Low", "Low")],
}


def test_default_matrix_equals_the_itil_table():
	expected = {pair: p for p, pairs in ISSUE_TABLE.items() for pair in pairs}
	assert default_data.PRIORITY_MATRIX == expected
	matrix = validate_matrix(
		LEVELS, LEVELS, [(i, u, p) for (i, u), p in default_data.PRIORITY_MATRIX.items()]
	)
	assert lookup(matrix, "High", "High") == "P1 Critical"
	assert lookup(matrix, "Low", "Low") == "P5 Planning"
	assert {p for p, _rank, _color in default_data.PRIORITIES} == set(ISSUE_TABLE)


def test_default_channels_and_groups():
	assert [c for c, _u in default_data.CHANNELS] == [
		"Email", "Phone", "Portal", "Chat", "API", "Monitoring Event", "Helpdesk Ticket", "ERPNext Issue",
	]  # fmt: skip
	assert [tier for _n, tier, _d in default_data.SUPPORT_GROUPS] == [1, 2, 3]
	assert all(u in LEVELS for _c, u in default_data.CHANNELS)


def test_go_live_checklist_covers_r7_to_r11_in_both_languages():
	reqs = {req.split()[0] for req, _en, _fr, _exit in default_data.GO_LIVE_CHECKLIST}
	assert reqs == {"R7", "R8", "R9", "R10", "R11"}
	for _req, en, fr, _exit in default_data.GO_LIVE_CHECKLIST:
		assert en and fr and en != fr


def test_matrix_with_a_hole_is_rejected_with_the_hole_named():
	entries = [(i, u, p) for (i, u), p in default_data.PRIORITY_MATRIX.items() if (i, u) != ("Low", "Medium")]
	with pytest.raises(MatrixError, match="missing a priority for: Low x Medium"):
		validate_matrix(LEVELS, LEVELS, entries)


def test_matrix_with_conflicting_duplicate_is_rejected():
	entries = [(i, u, p) for (i, u), p in default_data.PRIORITY_MATRIX.items()] + [
		("High", "High", "P5 Planning")
	]
	with pytest.raises(MatrixError, match="more than one priority for: High x High"):
		validate_matrix(LEVELS, LEVELS, entries)


def test_matrix_with_unknown_level_is_rejected():
	entries = [(i, u, p) for (i, u), p in default_data.PRIORITY_MATRIX.items()] + [
		("Huge", "High", "P1 Critical")
	]
	with pytest.raises(MatrixError, match="unknown impact or urgency in: Huge x High"):
		validate_matrix(LEVELS, LEVELS, entries)


@given(
	impacts=st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=5, unique=True),
	urgencies=st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=5, unique=True),
	data=st.data(),
)
def test_any_complete_n_by_m_matrix_is_accepted_and_looked_up(impacts, urgencies, data):
	entries = [(i, u, data.draw(st.sampled_from(["A", "B", "C"]))) for i in impacts for u in urgencies]
	matrix = validate_matrix(impacts, urgencies, entries)
	for i, u, p in entries:
		assert lookup(matrix, i, u) == p
	assert lookup(matrix, None, urgencies[0]) is None
	# removing any one entry leaves a hole that is reported
	k = data.draw(st.integers(0, len(entries) - 1))
	with pytest.raises(MatrixError, match="missing a priority"):
		validate_matrix(impacts, urgencies, entries[:k] + entries[k + 1 :])


def test_thresholds():
	assert parse_thresholds("75, 50,100") == [50, 75, 100]
	assert parse_thresholds("") == [50, 75, 100]
	assert parse_thresholds("80%; 90 %") == [80, 90]
	for bad in ("0", "120", "abc", ",,"):
		with pytest.raises(ThresholdError):
			parse_thresholds(bad)
