"""Known errors suggested while an incident is logged or worked (R5): ranked by text similarity with the
known error's title and symptoms, and its root cause and workaround (French or English) and by CI match, read from an index table
(`ITIL Known Error Term`, one row per term), never by scanning known errors in Python.

A lookup is a constant number of statements: the number of known errors, the rarity of the incident's
terms, the 50 best candidates by weighted shared terms (aggregated in the database), their postings,
the known errors on the incident's CI, and the details of the ones shown.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from itil_crm.engines.known_error_match import known_error_terms, query_terms, rank, rarity
from itil_crm.frappe_fixes.whitelisted_arguments import checked

KE = "ITIL Known Error"
TERMS = "ITIL Known Error Term"
CANDIDATES = 50
TOO_COMMON = 0.25  # a term in more than a quarter of the known errors (of 100 or more) is not read
POSTINGS_BUDGET = 5000  # postings read to find the candidates, rarest terms first


# ------------------------------------------------------------------------------ the index


INDEXED = ("title", "symptoms", "root_cause", "workaround")


def index_known_error(doc, method=None) -> None:
	"""Known error on_update: its terms replace the previous ones, when a text they come from moved."""
	before = doc.get_doc_before_save()
	if before and all(before.get(f) == doc.get(f) for f in INDEXED):
		return
	write_terms(doc.name, *(doc.get(f) for f in INDEXED))


def write_terms(
	name: str,
	title: str | None,
	symptoms: str | None,
	root_cause: str | None = None,
	workaround: str | None = None,
) -> None:
	"""Two statements: the old terms out, the new ones in."""
	frappe.db.delete(TERMS, {"known_error": name})
	weighted = known_error_terms(title, symptoms, root_cause, workaround)
	if not weighted:
		return
	now, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		TERMS,
		["name", "known_error", "term", "weight", "creation", "modified", "owner", "modified_by"],
		[
			(frappe.generate_hash(length=12), name, term[:64], weight, now, now, user, user)
			for term, weight in weighted.items()
		],
	)


def drop_index(doc, method=None) -> None:
	frappe.db.delete(TERMS, {"known_error": doc.name})


def reindex_all() -> int:
	"""Every known error's terms, again (the patch for known errors written before the index)."""
	frappe.db.delete(TERMS)
	rows = frappe.get_all(KE, fields=["name", *INDEXED])
	for row in rows:
		write_terms(row.name, *(row.get(f) for f in INDEXED))
	return len(rows)


# ------------------------------------------------------------------------------ the lookup


def suggestions(
	subject: str | None,
	description: str | None = None,
	configuration_item: str | None = None,
	limit: int = 5,
) -> list[dict]:
	wanted = query_terms(subject, description)
	ci_matches = (
		set(
			frappe.db.sql_list(
				"""select distinct a.parent from `tabITIL Affected CI` a
			join `tabITIL Known Error` k on k.name = a.parent and k.published = 1
			where a.parenttype = 'ITIL Known Error' and a.configuration_item = %s""",
				configuration_item,
			)
		)
		if configuration_item
		else set()
	)
	postings, idf = _postings(wanted)
	ranked = rank(wanted, postings, idf, ci_matches, limit=max(1, min(cint(limit) or 5, 20)))
	if not ranked:
		return []
	details = {
		d.name: d
		for d in frappe.get_all(
			KE,
			filters={"name": ["in", [s.known_error for s in ranked]]},
			fields=["name", "title", "workaround", "permanent_fix_status", "workaround_uses"],
		)
	}
	return [
		{
			**details[s.known_error],
			"score": s.score,
			"text_score": s.text_score,
			"ci_match": s.ci_match,
			"has_workaround": bool((details[s.known_error].workaround or "").strip()),
		}
		for s in ranked
		if s.known_error in details
	]


def _postings(wanted: dict[str, float]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
	"""The best candidates' postings of the incident's terms ({known error: {term: weight}}), and each
	term's rarity. Three statements: the rarity, the best 50 (from the rarest terms, within a budget
	of postings), their postings of every useful term."""
	if not wanted:
		return {}, {}
	total = frappe.db.count(KE)  # rarity among all known errors, as the postings count them all
	df = dict(
		frappe.db.sql(
			f"""select term, count(*) from `tab{TERMS}` where term in %(terms)s group by term""",
			{"terms": list(wanted)},
		)
	)
	idf = {t: rarity(total, n) for t, n in df.items()}
	useful = sorted(
		(t for t, n in df.items() if not (total >= 100 and n > TOO_COMMON * total)),
		key=lambda t: (df[t], t),
	)
	# the candidates come from the rarest terms, within a budget of postings (a known error that
	# shares only common words does not rank anyway); every useful term counts in their score
	seed, read = [], 0
	for t in useful:
		if seed and read + df[t] > POSTINGS_BUDGET:
			break
		seed.append(t)
		read += df[t]
	if not seed:
		return {}, idf
	weight = " ".join(f"when %(t{i})s then %(w{i})s" for i in range(len(seed)))
	params = {f"t{i}": t for i, t in enumerate(seed)}
	params |= {f"w{i}": wanted[t] * idf[t] for i, t in enumerate(seed)}
	best = frappe.db.sql_list(
		f"""select x.known_error from `tab{TERMS}` x
		join `tabITIL Known Error` k on k.name = x.known_error and k.published = 1
		where x.term in %(terms)s
		group by x.known_error
		order by sum((case x.term {weight} else 0 end) * least(1, 0.5 + 0.5 * x.weight)) desc,
			x.known_error
		limit {CANDIDATES}""",
		{**params, "terms": seed},
	)
	postings: dict[str, dict[str, float]] = {}
	if best:
		for ke, term, w in frappe.db.sql(
			f"""select known_error, term, weight from `tab{TERMS}`
			where known_error in %(kes)s and term in %(terms)s""",
			{"kes": best, "terms": useful},
		):
			postings.setdefault(ke, {})[term] = w
	return postings, idf


@frappe.whitelist()
@checked
def suggest_known_errors(
	subject: str | None = None,
	description: str | None = None,
	configuration_item: str | None = None,
	limit: int = 5,
) -> list[dict]:
	"""Published known errors that look like this incident, best first, each with a score (0-100)."""
	frappe.has_permission(KE, "read", throw=True)
	for value in (subject, description, configuration_item):
		if value is not None and not isinstance(value, str):
			frappe.throw(
				_("Subject, description and configuration item must be text."), frappe.ValidationError
			)
	return suggestions(subject, (description or "")[:20_000], configuration_item, limit)
