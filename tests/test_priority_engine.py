import pytest
from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.priority import Floor, decide_priority
from itil_crm.setup.default_data import PRIORITY_MATRIX

RANKS = {"High": 1, "Medium": 2, "Low": 3}
PRIORITY_RANK = {"P1 Critical": 1, "P2 High": 2, "P3 Moderate": 3, "P4 Low": 4, "P5 Planning": 5}


def decide(impact, urgency, **kw):
	return decide_priority(PRIORITY_MATRIX, RANKS, RANKS, impact, urgency, **kw)


def test_plain_matrix():
	d = decide("Low", "Medium")
	assert (d.impact, d.urgency, d.priority, d.reasons) == ("Low", "Medium", "P4 Low", ())


def test_key_customer_raises_impact():
	d = decide("Low", "Medium", impact_floors=[Floor("High", "key account Acme Retail")])
	assert d.impact == "High"
	assert d.priority == "P2 High"
	assert d.reasons == ("Impact raised from Low to High: key account Acme Retail",)


def test_floor_never_lowers():
	d = decide("High", "High", impact_floors=[Floor("Low", "x")], urgency_floors=[Floor("Medium", "phone")])
	assert (d.impact, d.urgency, d.priority, d.reasons) == ("High", "High", "P1 Critical", ())


def test_strongest_floor_wins_and_each_step_is_explained():
	d = decide(
		"Low", "Low", impact_floors=[Floor("Medium", "critical CI crm-db"), Floor("High", "key contact")]
	)
	assert d.impact == "High"
	assert len(d.reasons) == 2


def test_channel_urgency_and_unset_levels():
	d = decide("Medium", None, urgency_floors=[Floor("High", "channel Monitoring Event")])
	assert (d.urgency, d.priority) == ("High", "P2 High")
	assert decide(None, None).priority is None


def test_override_needs_reason_and_is_kept():
	with pytest.raises(ValueError, match="needs a reason"):
		decide("Low", "Low", override="P1 Critical", override_reason=" ")
	d = decide("Low", "Low", override="P1 Critical", override_reason="CEO cannot log in")
	assert (d.priority, d.matrix_priority, d.overridden) == ("P1 Critical", "P5 Planning", True)
	assert "CEO cannot log in" in d.reasons[-1]


levels = st.sampled_from(["High", "Medium", "Low"])


@given(
	impact=levels, urgency=levels, floors=st.lists(levels, max_size=3), ufloors=st.lists(levels, max_size=3)
)
def test_floors_only_ever_raise_priority(impact, urgency, floors, ufloors):
	base = decide(impact, urgency)
	raised = decide(
		impact,
		urgency,
		impact_floors=[Floor(f, "f") for f in floors],
		urgency_floors=[Floor(f, "u") for f in ufloors],
	)
	assert PRIORITY_RANK[raised.priority] <= PRIORITY_RANK[base.priority]
	assert RANKS[raised.impact] == min([RANKS[impact]] + [RANKS[f] for f in floors])
	assert RANKS[raised.urgency] == min([RANKS[urgency]] + [RANKS[f] for f in ufloors])
