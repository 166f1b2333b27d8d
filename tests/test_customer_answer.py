import pytest
from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.customer_answer import (
	CONFIRM,
	KEYWORDS,
	REOPEN,
	Answer,
	AnswerRefused,
	move_for,
	read_answer,
)
from itil_crm.engines.lifecycle import INCIDENT


@pytest.mark.parametrize(
	"text, expected",
	[
		("CONFIRM", Answer(CONFIRM)),
		("Confirmed, thanks!\n\n> On Monday the desk wrote:\n> not solved", Answer(CONFIRM)),
		("\n\n  solved.  ", Answer(CONFIRM)),
		("Résolu, merci", Answer(CONFIRM)),
		(
			"NOT SOLVED: the printer still jams\non tray 2\n> quoted",
			Answer(REOPEN, "the printer still jams\non tray 2"),
		),
		("not solved", Answer(REOPEN, "")),
		("Reopen - still slow", Answer(REOPEN, "still slow")),
		("> quoted first\nNon résolu : toujours en panne", Answer(REOPEN, "toujours en panne")),
	],
)
def test_a_keyword_at_the_top_is_an_answer(text, expected):
	assert read_answer(text) == expected


@pytest.mark.parametrize(
	"text",
	[
		"",
		"Thanks, but it is not solved",  # the keyword is not at the top
		"Solved? No, it is not.",  # asking is not answering
		"Confirmation: it still fails",  # a longer word that starts like the keyword
		"Fixedness is not the point",
		"> CONFIRM",  # a quoted line is not the customer's answer
		"Hello,\nCONFIRM",
	],
)
def test_anything_else_is_a_plain_reply(text):
	assert read_answer(text) is None


def test_confirm_closes_and_reopen_resumes_only_a_resolved_incident():
	assert move_for(CONFIRM, "Resolved") == "Closed"
	assert move_for(REOPEN, "Resolved") == "In Progress"
	# both are moves of the incident's lifecycle
	INCIDENT.check("Resolved", move_for(CONFIRM, "Resolved"))
	INCIDENT.check("Resolved", move_for(REOPEN, "Resolved"))


@pytest.mark.parametrize("kind, status", [(CONFIRM, "Closed"), (REOPEN, "In Progress"), (REOPEN, "On Hold")])
def test_the_same_answer_twice_does_nothing(kind, status):
	assert move_for(kind, status) is None


@pytest.mark.parametrize(
	"kind, status",
	[
		(CONFIRM, "In Progress"),
		(CONFIRM, "New"),
		(CONFIRM, "Cancelled"),
		(REOPEN, "Closed"),
		(REOPEN, "Cancelled"),
	],
)
def test_an_answer_that_does_not_fit_the_status_is_refused(kind, status):
	with pytest.raises(AnswerRefused):
		move_for(kind, status)


@given(st.sampled_from([CONFIRM, REOPEN]), st.sampled_from(INCIDENT.states))
def test_every_answer_is_refused_or_an_allowed_move(kind, status):
	try:
		target = move_for(kind, status)
	except AnswerRefused:
		assert status != "Resolved"
		return
	if target is None:
		# done already: applying the answer again would move nothing
		assert status != "Resolved"
	else:
		assert status == "Resolved"
		assert target in INCIDENT.allowed_from(status)


@given(st.sampled_from([w for words in KEYWORDS.values() for w in words]), st.text(max_size=40))
def test_a_keyword_never_reads_as_the_other_answer(word, tail):
	kind = next(k for k, words in KEYWORDS.items() if word in words)
	answer = read_answer(f"{word.upper()} {tail}")
	assert answer is None or answer.kind == kind
