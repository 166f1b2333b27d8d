"""Which known errors look like this incident, as pure rules (no frappe).

Texts (French or English) become weighted terms: HTML stripped, lower case, accents folded, stop
words of both languages dropped, a plural "s" / "x" removed. A known error's terms are stored in an
index table (one row per term); a lookup reads the postings of the incident's terms only, never every
known error. A known error's terms come from its title (counted twice), its symptoms, and its root
cause and workaround (each occurrence counted half: an agent often knows the cause or the fix, but a
word found only there says less than one of the symptoms). The score (0 to 100) weighs the shared terms by their rarity among known errors (a word
every known error uses says nothing) and adds a bonus when the known error affects the incident's CI.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

TEXT_SHARE = 70.0  # the most text similarity can give
CI_BONUS = 30.0  # the known error affects the incident's configuration item
MIN_SCORE = 15.0
TITLE_WEIGHT = 2.0
CAUSE_WEIGHT = 0.5  # an occurrence in the root cause or the workaround
MAX_TERMS = 60  # of an incident's text: the lookup stays a bounded index read

STOP_WORDS = frozenset(
	"""
	the and for with that this from are was were has have had not but you your our its they them
	their there when what which who why how all any can could would should into onto out over under
	again then than also just only very more most some such each other after before while about
	does did done been being get got see use used using please thanks thank hello still since
	les des une un est sont pas par pour avec dans sur sous que qui quoi quand comment plus moins
	tout tous toute toutes cette ces ses son sa leur leurs nous vous ils elles etre avoir fait faire
	mais donc car aussi tres deja encore depuis apres avant entre chez comme sans merci bonjour
	ete etait sont ont peut peuvent notre votre mes mon ma
	""".split()
)

_TAGS = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
	"""Lower case, accents removed: "Écran noir" -> "ecran noir"."""
	decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
	return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
	"""A plural's singular, crudely and for both languages: "servers" -> "server", "reseaux" ->
	"reseau"; words of 4 letters or fewer are kept as they are."""
	if len(word) > 4 and (word.endswith("eaux") or (word[-1] == "s" and word[-2] not in "su")):
		return word[:-1]
	return word


def words(text: str | None) -> list[str]:
	plain = html.unescape(_TAGS.sub(" ", text or ""))
	return [
		stem(w) for w in _WORD.findall(fold(plain)) if w not in STOP_WORDS and (len(w) >= 3 or w.isdigit())
	]


def terms(title: str | None, *texts: str | None, secondary: tuple[str | None, ...] = ()) -> dict[str, float]:
	"""Term -> weight: occurrences (the title's count twice, those of the `secondary` texts half),
	dampened: 1 + log for a count of one or more, the count itself below (a word seen once, only in a
	secondary text, weighs 0.5)."""
	counts: Counter[str] = Counter()
	for w in words(title):
		counts[w] += TITLE_WEIGHT
	for text in texts:
		counts.update(words(text))
	for text in secondary:
		for w in words(text):
			counts[w] += CAUSE_WEIGHT
	return {t: round(1 + math.log(c) if c >= 1 else c, 4) for t, c in counts.items()}


def known_error_terms(
	title: str | None, symptoms: str | None, root_cause: str | None = None, workaround: str | None = None
) -> dict[str, float]:
	"""A known error's indexed terms: its title and symptoms, then its root cause and workaround."""
	return terms(title, symptoms, secondary=(root_cause, workaround))


def query_terms(title: str | None, *texts: str | None) -> dict[str, float]:
	"""The incident's terms, the strongest first, at most MAX_TERMS."""
	weighted = terms(title, *texts)
	best = sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
	return dict(best)


def rarity(known_errors: int, with_term: int) -> float:
	"""Inverse document frequency: 0 for a term every known error has."""
	if with_term <= 0 or known_errors <= 0 or with_term >= known_errors:
		return 0.0
	return math.log((1 + known_errors) / (1 + with_term)) + 1.0


@dataclass(frozen=True)
class Suggestion:
	known_error: str
	score: float
	text_score: float
	ci_match: bool


def score(
	incident_terms: dict[str, float],
	shared: dict[str, float],
	idf: dict[str, float],
	ci_match: bool,
) -> tuple[float, float]:
	"""(score, text part). `shared` maps the terms the known error shares with the incident to the
	known error's weight of them; the text part is the share of the incident's weighted rarity that
	the known error covers, scaled to TEXT_SHARE."""
	total = sum(w * idf.get(t, 0.0) for t, w in incident_terms.items())
	covered = sum(
		incident_terms[t] * idf.get(t, 0.0) * min(1.0, 0.5 + 0.5 * kw)
		for t, kw in shared.items()
		if t in incident_terms
	)
	text = TEXT_SHARE * covered / total if total > 0 else 0.0
	return round(min(100.0, text + (CI_BONUS if ci_match else 0.0)), 1), round(text, 1)


def rank(
	incident_terms: dict[str, float],
	postings: dict[str, dict[str, float]],
	idf: dict[str, float],
	ci_matches: set[str],
	limit: int = 5,
	min_score: float = MIN_SCORE,
) -> list[Suggestion]:
	"""`postings`: known error -> {shared term: its weight there}. Best first; ties by name."""
	out = []
	for ke in set(postings) | ci_matches:
		total, text = score(incident_terms, postings.get(ke, {}), idf, ke in ci_matches)
		if total >= min_score:
			out.append(Suggestion(ke, total, text, ke in ci_matches))
	out.sort(key=lambda s: (-s.score, s.known_error))
	return out[:limit]
