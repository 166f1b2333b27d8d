from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.known_error_match import (
	CI_BONUS,
	fold,
	known_error_terms,
	query_terms,
	rank,
	rarity,
	score,
	stem,
	terms,
	words,
)


def index(known_errors: dict[str, tuple[str, str]]):
	"""What the database does: postings per term, and the rarity of each term."""
	postings = {name: terms(title, symptoms) for name, (title, symptoms) in known_errors.items()}
	df = {}
	for ts in postings.values():
		for t in ts:
			df[t] = df.get(t, 0) + 1
	idf = {t: rarity(len(known_errors), n) for t, n in df.items()}
	return postings, idf


def suggest(known_errors, subject, description="", ci_matches=frozenset()):
	postings, idf = index(known_errors)
	q = query_terms(subject, description)
	shared = {ke: {t: w for t, w in ts.items() if t in q} for ke, ts in postings.items()}
	shared = {ke: ts for ke, ts in shared.items() if ts}
	return rank(q, shared, idf, set(ci_matches))


KNOWN = {
	"KE-PRINT": (
		"Imprimante du 3e étage bloquée",
		"Les impressions restent en file d'attente, l'imprimante affiche erreur 49",
	),
	"KE-VPN": ("VPN disconnects every few minutes", "Users lose the VPN tunnel; the client shows error 809"),
	"KE-MAIL": ("Messagerie lente", "Les courriels mettent plusieurs minutes à arriver"),
	"KE-DISK": ("Database server disk full", "Backups fail and the database stops accepting writes"),
}


def test_french_text_finds_the_french_known_error_first():
	best = suggest(KNOWN, "L'imprimante n'imprime plus", "Mes impressions restent bloquées en file d'attente")
	assert best and best[0].known_error == "KE-PRINT"


def test_english_text_finds_the_english_known_error_first():
	best = suggest(KNOWN, "VPN keeps disconnecting", "my vpn tunnel drops, error 809")
	assert best and best[0].known_error == "KE-VPN"


def test_the_ci_breaks_a_tie_and_alone_is_enough():
	with_ci = suggest(KNOWN, "Something is slow", "", ci_matches={"KE-MAIL"})
	assert [s.known_error for s in with_ci] == ["KE-MAIL"] and with_ci[0].score == CI_BONUS


def test_unrelated_text_suggests_nothing():
	assert suggest(KNOWN, "Coffee machine", "no hot water") == []


def test_accents_case_and_plurals_fold():
	assert fold("Écran NOIR") == "ecran noir"
	assert words("Les Serveurs et RÉSEAUX") == ["serveur", "reseau"]
	assert stem("status") == "status" and stem("access") == "access" and stem("disks") == "disk"


text = st.text(alphabet=st.characters(categories=["L", "N", "Zs", "P"]), max_size=200)


@given(text, text)
def test_terms_ignore_case_and_accents(a, b):
	assert terms(a, b) == terms(fold(a), fold(b))


@given(
	text,
	st.dictionaries(st.sampled_from(["a1", "b2", "c3"]), st.tuples(text, text), min_size=1),
	st.booleans(),
)
def test_scores_are_bounded_and_ranked(subject, kes, ci):
	postings, idf = index(kes)
	q = query_terms(subject)
	shared = {ke: {t: w for t, w in ts.items() if t in q} for ke, ts in postings.items()}
	matches = {next(iter(kes))} if ci else set()
	ranked = rank(q, shared, idf, matches, limit=10, min_score=0)
	assert all(0 <= s.score <= 100 for s in ranked)
	assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
	for s in ranked:
		assert s.ci_match == (s.known_error in matches)


@given(st.dictionaries(st.sampled_from(["w1", "w2", "w3", "w4"]), st.floats(0.5, 5), min_size=1))
def test_sharing_more_never_scores_less(incident):
	idf = {t: 1.0 for t in incident}
	some = dict(list(incident.items())[:1])
	assert score(incident, incident, idf, False)[0] >= score(incident, some, idf, False)[0]
	assert score(incident, {}, idf, True)[0] == CI_BONUS


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_rarity_is_never_negative_and_falls_as_a_term_spreads(total, n):
	assert rarity(total, n) >= 0
	if 0 < n < total:
		assert rarity(total, n) >= rarity(total, n + 1)


# issue 23: the cause and the workaround are read too, a word found only there counting less than one
# of the title or the symptoms
WITH_CAUSES = {
	"KE-SPOOL": (
		"Printing stopped",
		"Jobs stay queued",
		"The print spooler hangs",
		"Restart the print service",
	),
	"KE-CERT": (
		"Portal unreachable",
		"Browsers refuse the portal",
		"The TLS certificate expired",
		"Renew it",
	),
	"KE-SPOOLER-SYMPTOM": ("Queue frozen", "The spooler window shows an error", "", ""),
}


def suggest_from(known_errors, subject, description=""):
	postings = {name: known_error_terms(*fields) for name, fields in known_errors.items()}
	df = {}
	for ts in postings.values():
		for t in ts:
			df[t] = df.get(t, 0) + 1
	idf = {t: rarity(len(known_errors), n) for t, n in df.items()}
	q = query_terms(subject, description)
	shared = {ke: {t: w for t, w in ts.items() if t in q} for ke, ts in postings.items()}
	return rank(q, {ke: ts for ke, ts in shared.items() if ts}, idf, set(), limit=10, min_score=0)


def test_the_cause_and_the_workaround_are_matched():
	found = [s.known_error for s in suggest_from(WITH_CAUSES, "Certificate expired on the portal")]
	assert found[0] == "KE-CERT"
	assert "KE-SPOOL" in [s.known_error for s in suggest_from(WITH_CAUSES, "spooler")]


def test_a_word_of_the_symptoms_counts_more_than_one_of_the_cause():
	ranked = suggest_from(WITH_CAUSES, "spooler")
	assert [s.known_error for s in ranked][:2] == ["KE-SPOOLER-SYMPTOM", "KE-SPOOL"]
	assert ranked[0].score > ranked[1].score > 0


@given(text, text, text, text)
def test_the_cause_and_workaround_only_add_terms(title, symptoms, cause, workaround):
	plain = terms(title, symptoms)
	both = known_error_terms(title, symptoms, cause, workaround)
	assert set(plain) <= set(both)
	assert all(both[t] >= w for t, w in plain.items())
	assert all(w > 0 for w in both.values())
	assert known_error_terms(title, symptoms, None, None) == plain
