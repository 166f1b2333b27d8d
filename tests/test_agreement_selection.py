from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.agreement_selection import Candidate, select_agreement

TODAY = date(2026, 11, 29)


def pick(cands, customer="Acme", group="Retail", ctype="Customer", on=TODAY):
	return select_agreement(cands, ctype, customer, group, on)


def test_customer_then_group_then_default():
	default = Candidate("Standard", 100, is_default=True)
	group = Candidate("Retail Silver", 50, customer_group="Retail")
	own = Candidate("Acme Gold", 1, customer_type="Customer", customer="Acme")
	assert pick([default, group, own]).agreement == "Acme Gold"
	assert pick([default, group]).agreement == "Retail Silver"
	assert pick([default, group], group="Wholesale").agreement == "Standard"
	assert pick([group, own], customer="Other", group=None).agreement is None
	assert "customer agreement Acme Gold" in pick([default, group, own]).reason


def test_same_customer_name_of_another_doctype_does_not_match():
	own = Candidate("HD Gold", 1, customer_type="HD Customer", customer="Acme")
	assert pick([own, Candidate("Std", is_default=True)]).agreement == "Std"


def test_ties_broken_by_order_then_name_and_explained():
	a = Candidate("B default", 10, is_default=True)
	b = Candidate("A default", 10, is_default=True)
	c = Candidate("C default", 5, is_default=True)
	sel = pick([a, b, c])
	assert sel.agreement == "C default"
	assert "chosen before A default, B default" in sel.reason
	assert pick([a, b]).agreement == "A default"


def test_disabled_and_out_of_validity_never_apply():
	old = Candidate("Old", 1, is_default=True, valid_until=date(2025, 12, 31))
	future = Candidate("Future", 1, is_default=True, valid_from=date(2027, 1, 1))
	off = Candidate("Off", 1, is_default=True, enabled=False)
	std = Candidate("Std", 99, is_default=True)
	assert pick([old, future, off, std]).agreement == "Std"


names = st.text(alphabet="abcdef", min_size=1, max_size=4)
cands = st.lists(
	st.builds(
		Candidate,
		name=names,
		selection_order=st.integers(0, 5),
		customer=st.sampled_from([None, "Acme", "Other"]),
		customer_type=st.just("Customer"),
		customer_group=st.sampled_from([None, "Retail", "Mid", "Top", "Other"]),
		is_default=st.booleans(),
	),
	max_size=8,
	unique_by=lambda c: c.name,
)


@given(cands=cands, data=st.data())
def test_choice_does_not_depend_on_input_order(cands, data):
	shuffled = data.draw(st.permutations(cands))
	assert pick(cands) == pick(list(shuffled))


def test_nested_customer_groups_nearest_group_wins():
	"""ERPNext's customer group tree: Acme is in "Retail North", under "Retail", under "All Customer Groups"."""
	tree = ("Retail North", "Retail", "All Customer Groups")
	top = Candidate("Everyone Bronze", 1, customer_group="All Customer Groups")
	retail = Candidate("Retail Silver", 50, customer_group="Retail")
	north = Candidate("North Gold", 90, customer_group="Retail North")
	default = Candidate("Standard", 0, is_default=True)
	assert pick([default, top, retail], group=tree).agreement == "Retail Silver"
	assert "parent group of Retail North" in pick([default, retail], group=tree).reason
	# the nearest group wins over a lower selection order further up
	assert pick([default, top, retail, north], group=tree).agreement == "North Gold"
	assert pick([default, top], group=tree).agreement == "Everyone Bronze"
	# a group below the customer's, or beside it, never applies
	assert pick([default, north], group=("Retail", "All Customer Groups")).agreement == "Standard"
	# the customer's own agreement still comes first
	own = Candidate("Acme Own", 99, customer_type="Customer", customer="Acme")
	assert pick([top, retail, north, own], group=tree).agreement == "Acme Own"


@given(
	cands=cands,
	depth=st.integers(1, 3),
)
def test_a_group_agreement_applies_only_along_the_customers_branch(cands, depth):
	branch = ("Retail", "Mid", "Top")[:depth]
	sel = pick(cands, group=branch)
	chosen = next((c for c in cands if c.name == sel.agreement), None)
	if chosen is not None and chosen.customer_group and not chosen.customer:
		assert chosen.customer_group in branch
		# no candidate of a nearer group of the branch was passed over
		nearer = branch[: branch.index(chosen.customer_group)]
		assert not any(
			c.customer_group in nearer and c.enabled and not c.customer
			for c in cands
			if c.name != chosen.name
		)
