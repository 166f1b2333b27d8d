"""The maturity self-assessment's rules (itil_crm/engines/maturity.py): the 1-5 scale, a level proposed
from the evidence and the question's thresholds, scores per practice and overall, the comparison with the
previous assessment, weak answers, and whether an improvement action's KPI moved."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.maturity import (
	LEVEL_NAMES,
	LEVELS,
	MOVES,
	PRACTICES,
	MaturityError,
	check_level,
	check_thresholds,
	compare,
	movement,
	overall_score,
	practice_scores,
	propose_level,
	weak_answers,
)

levels = st.integers(min_value=1, max_value=5)
practices = st.sampled_from(PRACTICES)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
answers = st.lists(st.tuples(practices, st.one_of(st.none(), levels)), max_size=40)


@st.composite
def thresholds(draw):
	values = sorted(set(draw(st.lists(st.floats(0, 1000, allow_nan=False), min_size=4, max_size=8))))
	if len(values) < 4:
		values = [0.0, 1.0, 2.0, 3.0]
	return values[:4]


# --- the scale --------------------------------------------------------------------------------------------


def test_the_scale():
	assert LEVELS == (1, 2, 3, 4, 5)
	assert [LEVEL_NAMES[x] for x in LEVELS] == ["Initial", "Repeatable", "Defined", "Managed", "Optimising"]
	assert len(PRACTICES) == 8 and "Known Errors" in PRACTICES


@pytest.mark.parametrize("level", [0, 6, -1, 2.5, "3", True, None])
def test_a_level_outside_one_to_five_is_refused(level):
	with pytest.raises(MaturityError) as e:
		check_level(level)
	assert e.value.code == "level"


def test_a_level_of_the_scale_is_kept():
	assert [check_level(x) for x in LEVELS] == [1, 2, 3, 4, 5]
	assert check_level(4.0) == 4  # a whole number from a form


# --- thresholds and proposals -----------------------------------------------------------------------------


def test_thresholds_for_levels_two_to_five():
	assert check_thresholds([20, 40, 60, 80]) == (20.0, 40.0, 60.0, 80.0)
	assert check_thresholds([None, None, None, None]) is None  # answered by hand
	assert check_thresholds([]) is None


@pytest.mark.parametrize(
	"bad, code",
	[
		([20, 40, 40, 80], "thresholds_order"),
		([80, 60, 40, 20], "thresholds_order"),
		([20, 40, None, 80], "thresholds_missing"),
		([20, 40, 60], "thresholds_missing"),
		([20, 40, 60, math.inf], "thresholds_number"),
		([20, 40, 60, math.nan], "thresholds_number"),
	],
)
def test_thresholds_not_increasing_are_refused(bad, code):
	with pytest.raises(MaturityError) as e:
		check_thresholds(bad)
	assert e.value.code == code


def test_a_level_is_proposed_from_the_thresholds():
	t = [20, 40, 60, 80]
	values = (0, 19.9, 20, 39, 40, 60, 79.99, 80, 100)
	assert [propose_level(v, t) for v in values] == [1, 1, 2, 2, 3, 4, 4, 5, 5]
	assert propose_level(None, t) is None  # nothing to measure
	assert propose_level(50, None) is None  # a question answered by hand


@given(thresholds(), finite, finite)
def test_the_proposal_is_monotone_in_the_evidence(t, a, b):
	low, high = min(a, b), max(a, b)
	assert propose_level(low, t) <= propose_level(high, t)


@given(thresholds(), finite)
def test_the_proposal_is_a_level_and_reaches_the_thresholds(t, value):
	level = propose_level(value, t)
	assert level in LEVELS
	assert propose_level(t[level - 2], t) == level if level > 1 else value < t[0]


@given(thresholds())
def test_each_threshold_is_the_first_value_of_its_level(t):
	assert [propose_level(x, t) for x in t] == [2, 3, 4, 5]


# --- scores -------------------------------------------------------------------------------------------------


def test_scores_per_practice_and_overall_are_means():
	given_answers = [
		("Service Desk", 2),
		("Service Desk", 3),
		("Service Desk", None),  # not answered: not counted
		("Incident Management", 4),
		("Change Enablement", 1),
		("Change Enablement", 2),
		("Change Enablement", 2),
	]
	scores = practice_scores(given_answers)
	assert scores == {"Service Desk": 2.5, "Incident Management": 4.0, "Change Enablement": 1.67}
	assert list(scores) == ["Service Desk", "Incident Management", "Change Enablement"]  # practices' order
	assert overall_score(scores) == round((2.5 + 4 + 5 / 3) / 3, 2)  # the unrounded practice means
	assert overall_score(practice_scores(given_answers)) == 2.72
	assert practice_scores([("Service Desk", None)]) == {}
	assert overall_score({}) is None


def test_a_level_outside_the_scale_is_not_scored():
	with pytest.raises(MaturityError):
		practice_scores([("Service Desk", 7)])
	with pytest.raises(MaturityError) as e:
		practice_scores([("Sales", 3)])
	assert e.value.code == "practice"


@given(answers)
def test_scores_stay_within_one_and_five(given_answers):
	scores = practice_scores(given_answers)
	assert set(scores) == {p for p, level in given_answers if level is not None}
	for score in scores.values():
		assert 1 <= score <= 5
	overall = overall_score(scores)
	assert overall is None if not scores else 1 <= overall <= 5


@given(answers, st.data())
def test_scores_are_monotone_in_the_levels(given_answers, data):
	"""Raising one answer's level never lowers its practice's score nor the overall score."""
	answered = [i for i, (_p, level) in enumerate(given_answers) if level is not None and level < 5]
	if not answered:
		return
	i = data.draw(st.sampled_from(answered))
	raised = list(given_answers)
	raised[i] = (raised[i][0], data.draw(st.integers(raised[i][1] + 1, 5)))
	before, after = practice_scores(given_answers), practice_scores(raised)
	practice = given_answers[i][0]
	assert after[practice] >= before[practice]
	assert all(after[p] == before[p] for p in before if p != practice)
	assert overall_score(after) >= overall_score(before)


@given(st.lists(st.tuples(practices, levels), min_size=1, max_size=20))
def test_equal_levels_give_that_score(given_answers):
	level = given_answers[0][1]
	same = [(p, level) for p, _level in given_answers]
	assert set(practice_scores(same).values()) == {level}
	assert overall_score(practice_scores(same)) == level


# --- comparison with the previous assessment ---------------------------------------------------------------


def test_comparison_with_the_previous_assessment():
	rows = compare(
		{"Service Desk": 3.0, "Incident Management": 2.5, "Known Errors": 4.0},
		{"Service Desk": 2.0, "Incident Management": 3.0, "Problem Management": 2.0},
	)
	by_practice = {r.practice: r for r in rows}
	assert [r.practice for r in rows] == [
		"Service Desk",
		"Incident Management",
		"Problem Management",
		"Known Errors",
	]
	assert (by_practice["Service Desk"].previous, by_practice["Service Desk"].change) == (2.0, 1.0)
	assert by_practice["Incident Management"].change == -0.5
	assert (by_practice["Known Errors"].previous, by_practice["Known Errors"].change) == (None, None)
	# a practice assessed before but not now is still shown (its score None)
	assert (by_practice["Problem Management"].score, by_practice["Problem Management"].change) == (None, None)
	assert [r.practice for r in compare({"Service Desk": 3.0}, {})] == ["Service Desk"]


@given(st.dictionaries(practices, st.floats(1, 5)), st.dictionaries(practices, st.floats(1, 5)))
def test_the_change_is_the_difference(current, previous):
	for row in compare(current, previous):
		if row.score is not None and row.previous is not None:
			assert row.change == round(row.score - row.previous, 2)
		else:
			assert row.change is None


# --- weak answers ---------------------------------------------------------------------------------------------


def test_weak_answers_are_below_a_level():
	given_answers = [("q1", 1), ("q2", 2), ("q3", 3), ("q4", None), ("q5", 5)]
	assert weak_answers(given_answers) == ["q1", "q2"]  # below 3 (Defined) by default
	assert weak_answers(given_answers, below=4) == ["q1", "q2", "q3"]
	assert weak_answers(given_answers, below=1) == []


@given(st.lists(st.tuples(st.integers(), st.one_of(st.none(), levels))), levels)
def test_a_weak_answer_is_answered_and_below(given_answers, below):
	weak = set(weak_answers(given_answers, below))
	for key, level in given_answers:
		if level is not None and level < below:
			assert key in weak


# --- did an improvement action's KPI move? ------------------------------------------------------------------


def test_movement_towards_the_target():
	assert movement(80, 90, target=95) == "Better"
	assert movement(80, 70, target=95) == "Worse"
	assert movement(80, 80, target=95) == "Same"
	assert movement(12, 9, target=8) == "Better"  # MTTR hours down towards 8
	assert movement(12, 14, target=8) == "Worse"
	assert movement(80, 99, target=95) == "Better"  # past the target still counts
	# no target, or the baseline at the target: the KPI's own direction
	assert movement(12, 9, better="lower") == "Better"
	assert movement(80, 90, target=80, better="higher") == "Better"
	assert movement(10, 12, better="none") is None  # a volume: no direction to judge
	assert movement(None, 12, target=8) is None  # nothing measured then
	assert movement(12, None, target=8) is None


kpi_values = st.integers(-(10**6), 10**6).map(lambda n: n / 100)  # KPI figures: 2 decimals


@given(kpi_values, kpi_values, kpi_values)
def test_movement_is_symmetric(baseline, current, target):
	moved = movement(baseline, current, target=target, better="higher")
	back = movement(current, baseline, target=target, better="higher")
	if moved == "Same":
		assert back == "Same"
	elif (target - baseline) * (target - current) > 0 and moved is not None:
		# both on the same side of the target: the way back is the other way
		assert {moved, back} == {"Better", "Worse"}


# --- the doctypes and the seeded questionnaire speak the engine's vocabulary -------------------------------


def _options(doctype: str, fieldname: str) -> list[str]:
	from app_checks import load_doctypes

	field = next(f for f in load_doctypes()[doctype]["fields"] if f["fieldname"] == fieldname)
	return [o for o in field["options"].split("\n") if o]


def test_the_doctypes_options_are_the_engines_vocabulary():
	from itil_crm.engines.maturity import EVIDENCE_MEASURES
	from itil_crm.engines.service_kpis import KPIS

	for doctype, fieldname in (
		("ITIL Maturity Question", "practice"),
		("ITIL Maturity Answer", "practice"),
		("ITIL Maturity Practice Score", "practice"),
		("ITIL Improvement Action", "practice"),
	):
		assert _options(doctype, fieldname) == list(PRACTICES), (doctype, fieldname)
	assert _options("ITIL Maturity Question", "evidence_key") == list(EVIDENCE_MEASURES)
	# every KPI that kpis.figures gives (availability is per business service)
	kpis = [k for k in KPIS if k != "availability"]
	assert _options("ITIL Maturity Question", "kpi_key") == kpis
	assert _options("ITIL Improvement Action", "kpi_key") == kpis
	assert _options("ITIL Improvement Action", "moved")[:3] == list(MOVES)


def test_the_seeded_questionnaire():
	import csv
	from collections import Counter

	from app_checks import APP

	from itil_crm.continual_improvement.questionnaire import QUESTIONS
	from itil_crm.engines.maturity import EVIDENCE_MEASURES
	from itil_crm.engines.service_kpis import KPIS

	per_practice = Counter(q[1] for q in QUESTIONS)
	assert set(per_practice) == set(PRACTICES) and all(3 <= n <= 5 for n in per_practice.values())
	assert len({q[0] for q in QUESTIONS}) == len(QUESTIONS)  # codes are unique
	for code, practice, _text, evidence, thresholds, kpi in QUESTIONS:
		assert kpi in KPIS and kpi != "availability", code
		if evidence:
			assert EVIDENCE_MEASURES[evidence][0] == practice, code
			assert check_thresholds(thresholds) is not None, code
		else:
			assert thresholds is None, code
	# each practice has a question the data answers
	assert {EVIDENCE_MEASURES[q[3]][0] for q in QUESTIONS if q[3]} == set(PRACTICES)
	french = {r[0] for r in csv.reader((APP / "translations" / "fr.csv").open(encoding="utf-8"))}
	assert not {q[2] for q in QUESTIONS} - french
	assert not set(LEVEL_NAMES.values()) - french
	assert not set(PRACTICES) - french
