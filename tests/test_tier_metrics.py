from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.tier_metrics import Leg, rates_from_counts, resolving_tier, tier_rates


def test_rates_per_tier_and_group():
	legs = [
		# INC1 resolved at L1
		Leg("INC1", "SD", 1, True),
		# INC2 escalated L1 -> L2, resolved at L2
		Leg("INC2", "SD", 1, False),
		Leg("INC2", "App", 2, True),
		# INC3 escalated L1 -> L2 -> L3
		Leg("INC3", "SD", 1, False),
		Leg("INC3", "App", 2, False),
		Leg("INC3", "Experts", 3, True),
		# INC4 at L1, still open
		Leg("INC4", "SD", 1, False),
		# INC5 L1 -> supplier (tier 3), resolved by supplier
		Leg("INC5", "SD", 1, False),
		Leg("INC5", "Hosting", 3, True),
	]
	rates = {(r.tier, r.group): r for r in tier_rates(legs, 80)}
	assert (rates[(1, None)].received, rates[(1, None)].resolved) == (5, 1)
	assert rates[(1, None)].rate == 20.0 and rates[(1, None)].below_target
	assert (rates[(2, None)].received, rates[(2, None)].resolved, rates[(2, None)].rate) == (2, 1, 50.0)
	assert (rates[(3, None)].received, rates[(3, None)].resolved) == (2, 2)
	assert not rates[(3, None)].below_target
	assert rates[(3, "Hosting")].rate == 100.0
	assert resolving_tier([l for l in legs if l.incident == "INC3"]) == 3
	assert resolving_tier([l for l in legs if l.incident == "INC4"]) is None


def test_a_request_coming_back_counts_once_per_tier():
	legs = [Leg("INC1", "SD", 1, False), Leg("INC1", "App", 2, False), Leg("INC1", "SD", 1, True)]
	rates = {(r.tier, r.group): r for r in tier_rates(legs)}
	assert (rates[(1, None)].received, rates[(1, None)].resolved) == (1, 1)


def test_empty():
	assert tier_rates([]) == []


legs_st = st.lists(
	st.builds(
		Leg,
		incident=st.sampled_from([f"I{i}" for i in range(6)]),
		group=st.sampled_from(["A", "B", "C"]),
		tier=st.integers(1, 3),
		resolved_here=st.booleans(),
	),
	max_size=30,
)


@given(legs=legs_st, target=st.floats(1, 100))
def test_invariants(legs, target):
	for r in tier_rates(legs, target):
		assert 0 <= r.resolved <= r.received
		assert 0 <= r.rate <= 100
		assert r.below_target == (r.rate < target)


def counted_like_the_database(legs):
	"""What the report's grouped queries count: each incident once per (tier) and per (tier, group),
	resolved there if one of its legs there was."""
	per: dict = {}
	for leg in legs:
		for key in ((leg.tier, None), (leg.tier, leg.group)):
			per.setdefault(key, {})
			per[key][leg.incident] = per[key].get(leg.incident, False) or leg.resolved_here
	return {key: (len(seen), sum(seen.values())) for key, seen in per.items()}


@given(legs=legs_st, target=st.floats(1, 100))
def test_counts_from_the_database_give_the_same_rates(legs, target):
	# issue 23: the report counts in the database; the rates must be those of the legs
	assert rates_from_counts(counted_like_the_database(legs), target) == tier_rates(legs, target)
