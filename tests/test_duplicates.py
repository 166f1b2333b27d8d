"""Duplicate scoring and merge rules (engines.duplicates)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.duplicates import Candidate, MergeError, check_merge, ranked, score, similarity


def test_similar_subjects_from_the_same_caller_score_high():
	same = Candidate("INC-1", "Printer on the 3rd floor is on fire", same_caller=True)
	other = Candidate("INC-2", "VPN refuses my password", same_caller=True)
	assert score("printer 3rd floor on fire!", same) > 70
	assert score("printer 3rd floor on fire!", other) == 0
	assert ranked("printer 3rd floor on fire!", [other, same]) == [
		("INC-1", score("printer 3rd floor on fire!", same))
	]


def test_the_same_ci_counts_without_words_in_common():
	assert score("Slow", Candidate("INC-3", "Timeouts", same_ci=True)) == 45.0
	assert ranked("Slow", [Candidate("INC-3", "Timeouts", same_ci=True)]) == [("INC-3", 45.0)]
	assert score("Slow", Candidate("INC-3", "Timeouts", same_caller=True)) == 0.0


@given(st.text(max_size=60), st.text(max_size=60), st.booleans(), st.booleans(), st.booleans())
def test_score_bounds_and_symmetry_of_words(a, b, caller, customer, ci):
	value = score(a, Candidate("X", b, caller, customer, ci))
	assert 0 <= value <= 100
	assert similarity(a, b) == similarity(b, a)


def test_merge_rules():
	check_merge("INC-2", "INC-1", "In Progress", {})
	with pytest.raises(MergeError, match="itself"):
		check_merge("INC-1", "INC-1", "New", {})
	with pytest.raises(MergeError, match="Closed"):
		check_merge("INC-2", "INC-1", "Closed", {})
	with pytest.raises(MergeError, match="cycle"):
		check_merge("INC-1", "INC-3", "New", {"INC-3": "INC-2", "INC-2": "INC-1"})
	check_merge(
		"INC-1", "INC-3", "New", {"INC-3": "INC-2", "INC-2": "INC-4", "INC-4": "INC-2"}
	)  # a loop elsewhere ends
