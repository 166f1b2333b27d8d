"""The ITIL maturity self-assessment, Frappe side: the questionnaire of an assessment, the levels proposed
from the data (maturity_evidence), the scores per practice and overall against the previous assessment,
the weak answers that become improvement actions (once), and the actions' KPI (kpis.figures over the last
full month) against their baseline. The rules are in itil_crm/engines/maturity.py.
"""

from __future__ import annotations

import datetime as dt

import frappe
from frappe import _
from frappe.utils import add_days, add_months, cint, flt, get_first_day, getdate, now_datetime, nowdate

from itil_crm.continual_improvement import maturity_evidence
from itil_crm.engines import maturity as rules
from itil_crm.engines.service_kpis import KPIS
from itil_crm.frappe_fixes.whitelisted_arguments import checked

ASSESSMENT = "ITIL Maturity Assessment"
QUESTION = "ITIL Maturity Question"
ACTION = "ITIL Improvement Action"
CHART = "ITIL Maturity by Practice"
ACTION_DAYS = 90  # an improvement action is due this long after its assessment
OPEN_ACTIONS = ("Open", "In Progress")
THRESHOLD_FIELDS = ("threshold_2", "threshold_3", "threshold_4", "threshold_5")


def throw_rule(error: rules.MaturityError, where: str = ""):
	"""The engine's refusal as a clear ValidationError, in the user's language."""
	messages = {
		"level": _("The level {0} is outside the scale 1 (Initial) to 5 (Optimising)."),
		"thresholds_order": _("The thresholds of levels 2 to 5 must increase strictly (got {0})."),
		"thresholds_missing": _("Give the four thresholds, for levels 2 to 5 (got {0})."),
		"thresholds_number": _("The thresholds must be numbers (got {0})."),
		"practice": _("{0} is not an ITIL practice of the questionnaire."),
	}
	value = error.value
	if isinstance(value, list | tuple):
		value = ", ".join("-" if v is None else f"{v:g}" for v in value)
	message = messages.get(error.code, "{0}").format(value)
	frappe.throw(f"{where} {message}".strip(), frappe.ValidationError, title=_("Maturity Assessment"))


# --- questions ----------------------------------------------------------------------------------------------


def question_thresholds(question) -> tuple[float, ...] | None:
	"""The thresholds of a question answered from the data (checked), None for a hand question."""
	if not question.get("evidence_key"):
		return None
	try:
		return rules.check_thresholds([flt(question.get(f)) for f in THRESHOLD_FIELDS])
	except rules.MaturityError as e:
		throw_rule(e, _("Question {0}:").format(question.get("question_code") or question.get("name")))


def enabled_questions() -> list[dict]:
	rows = frappe.get_all(
		QUESTION,
		filters={"enabled": 1},
		fields=["name", "practice", "question", "evidence_key", *THRESHOLD_FIELDS, "kpi_key", "sort_order"],
	)
	order = {p: i for i, p in enumerate(rules.PRACTICES)}
	return sorted(rows, key=lambda q: (order.get(q.practice, 99), cint(q.sort_order), q.name))


# --- an assessment ------------------------------------------------------------------------------------------


def default_period(on: dt.date) -> tuple[dt.date, dt.date]:
	"""The 12 full months before ``on``'s month (first and last day)."""
	first = get_first_day(on)
	return getdate(add_months(first, -12)), getdate(add_days(first, -1))


def set_defaults(doc) -> None:
	doc.assessed_on = doc.assessed_on or nowdate()
	doc.assessor = doc.assessor or frappe.session.user
	if not doc.period_from or not doc.period_to:
		start, last = default_period(getdate(doc.assessed_on))
		doc.period_from, doc.period_to = doc.period_from or start, doc.period_to or last
	if getdate(doc.period_to) < getdate(doc.period_from):
		frappe.throw(_("The evidence period ends before it starts."), frappe.ValidationError)
	doc.weak_below = cint(doc.weak_below) if doc.weak_below not in (None, "") else rules.WEAK_BELOW
	try:
		rules.check_level(doc.weak_below)
	except rules.MaturityError as e:
		throw_rule(e, _("Weak Below Level:"))
	doc.title = doc.title or _("Maturity Assessment {0}").format(frappe.format(doc.assessed_on, "Date"))


def fill_answers(doc) -> None:
	"""The enabled questions the assessment does not have yet, in the questionnaire's order."""
	have = {row.question for row in doc.answers}
	for q in enabled_questions():
		if q.name not in have:
			doc.append(
				"answers",
				{
					"question": q.name,
					"practice": q.practice,
					"question_text": q.question,
					"evidence_key": q.evidence_key,
				},
			)


def period(doc) -> tuple[dt.date, dt.date]:
	"""The assessment's evidence period as ``[start, end)``."""
	return getdate(doc.period_from), getdate(add_days(getdate(doc.period_to), 1))


def propose(doc) -> int:
	"""Fill the evidence and the proposed level of each question answered from the data (each measure once);
	the chosen level follows the proposal where none was chosen. Hand questions are left as they are.
	Returns how many levels were proposed."""
	start, end = period(doc)
	questions = {
		q.name: q for q in frappe.get_all(QUESTION, fields=["name", "evidence_key", *THRESHOLD_FIELDS])
	}
	measured: dict[str, maturity_evidence.Evidence] = {}
	proposed = 0
	for row in doc.answers:
		q = questions.get(row.question)
		if not q or not q.evidence_key:
			continue
		thresholds = question_thresholds(q)
		if q.evidence_key not in measured:
			measured[q.evidence_key] = maturity_evidence.measure(q.evidence_key, start, end)
		evidence = measured[q.evidence_key]
		level = rules.propose_level(evidence.value, thresholds)
		row.evidence_key = q.evidence_key
		row.evidence = evidence.text()
		row.evidence_value = evidence.value or 0
		row.proposed_level = level or 0
		if level and not cint(row.chosen_level):
			row.chosen_level = level
		proposed += bool(level)
	return proposed


def _answers(doc) -> list[tuple[str, int | None]]:
	out = []
	for row in doc.answers:
		level = cint(row.chosen_level)
		if level:
			try:
				rules.check_level(level)
			except rules.MaturityError as e:
				throw_rule(e, _("Row {0}:").format(row.idx))
		if row.practice not in rules.PRACTICES:
			row.practice = frappe.db.get_value(QUESTION, row.question, "practice")
		out.append((row.practice, level or None))
	return out


def find_previous(doc) -> str | None:
	"""The latest submitted assessment before this one (by date, then by creation)."""
	a = frappe.qb.DocType(ASSESSMENT)
	on = getdate(doc.assessed_on)
	earlier = a.assessed_on < on
	if doc.creation:
		earlier = earlier | ((a.assessed_on == on) & (a.creation < doc.creation))
	else:
		earlier = earlier | (a.assessed_on == on)
	rows = (
		frappe.qb.from_(a)
		.select(a.name)
		.where(a.docstatus == 1)
		.where(a.name != (doc.name or ""))
		.where(earlier)
		.orderby(a.assessed_on, order=frappe.qb.desc)
		.orderby(a.creation, order=frappe.qb.desc)
		.limit(1)
		.run()
	)
	return rows[0][0] if rows else None


def stored_scores(assessment: str) -> dict[str, float]:
	rows = frappe.get_all(
		"ITIL Maturity Practice Score",
		filters={"parent": assessment, "parenttype": ASSESSMENT, "parentfield": "practice_scores"},
		fields=["practice", "score"],
	)
	return {r.practice: flt(r.score) for r in rows if flt(r.score) > 0}


def score(doc) -> None:
	"""Scores per practice and overall from the chosen levels, beside the previous assessment's."""
	answers = _answers(doc)
	scores = rules.practice_scores(answers)
	doc.overall_score = rules.overall_from_answers(answers) or 0
	doc.previous_assessment = find_previous(doc)
	previous = stored_scores(doc.previous_assessment) if doc.previous_assessment else {}
	doc.previous_overall_score = (
		flt(frappe.db.get_value(ASSESSMENT, doc.previous_assessment, "overall_score"))
		if doc.previous_assessment
		else 0
	)
	weak = set(
		rules.weak_answers(((i, level) for i, (_p, level) in enumerate(answers)), cint(doc.weak_below))
	)
	doc.set("practice_scores", [])
	for row in rules.compare(scores, previous):
		doc.append(
			"practice_scores",
			{
				"practice": row.practice,
				"score": row.score or 0,
				"previous_score": row.previous or 0,
				"change": row.change or 0,
				"answered": sum(1 for p, level in answers if p == row.practice and level),
				"weak": sum(1 for i, (p, _level) in enumerate(answers) if p == row.practice and i in weak),
			},
		)


def chart_data(doc) -> dict:
	"""This assessment's score per practice beside the previous one's (frappe.Chart data)."""
	rows = [r for r in doc.practice_scores]
	datasets = [{"name": _("This Assessment"), "values": [flt(r.score) for r in rows]}]
	if doc.previous_assessment:
		datasets.append({"name": _("Previous Assessment"), "values": [flt(r.previous_score) for r in rows]})
	return {"labels": [_(r.practice) for r in rows], "datasets": datasets}


def latest_chart() -> dict:
	"""The chart of the latest submitted assessment the user may read (the Dashboard Chart's data)."""
	if not frappe.has_permission(ASSESSMENT, "read"):
		return {"labels": [], "datasets": []}
	latest = frappe.get_all(
		ASSESSMENT,
		filters={"docstatus": 1},
		order_by="assessed_on desc, creation desc",
		limit=1,
		pluck="name",
	)
	if not latest:
		return {"labels": [], "datasets": []}
	return chart_data(frappe.get_doc(ASSESSMENT, latest[0]))


def forget_chart() -> None:
	"""The Dashboard Chart's cached data: a new latest assessment shows at once."""
	frappe.cache.delete_value(f"chart-data:{CHART}")


# --- improvement actions ------------------------------------------------------------------------------------


def _amendment_chain(doc) -> list[str]:
	names, current = [doc.name], doc.amended_from
	while current and current not in names:
		names.append(current)
		current = frappe.db.get_value(ASSESSMENT, current, "amended_from")
	return names


def create_actions(doc) -> list[str]:
	"""One improvement action per weak answer of a submitted assessment, once: a question that already has
	an action from this assessment (or the one it amends) gets none more. Returns the new actions' names."""
	frappe.db.get_value(ASSESSMENT, doc.name, "name", for_update=True)  # one run at a time per assessment
	chain = _amendment_chain(doc)
	done = set(frappe.get_all(ACTION, filters={"source_assessment": ["in", chain]}, pluck="source_question"))
	rows = [row for row in doc.answers if row.question not in done]
	weak = rules.weak_answers(((row, cint(row.chosen_level) or None) for row in rows), cint(doc.weak_below))
	if not weak:
		return []
	kpi_keys = dict(frappe.get_all(QUESTION, filters={"name": ["in", [r.question for r in weak]]},
		fields=["name", "kpi_key"], as_list=True))  # fmt: skip
	targets = _targets() if any(kpi_keys.values()) else {}
	due = add_days(getdate(doc.assessed_on), ACTION_DAYS)
	created = []
	for row in weak:
		kpi = kpi_keys.get(row.question) or None
		text = _(row.question_text or frappe.db.get_value(QUESTION, row.question, "question") or "")
		action = frappe.get_doc(
			{
				"doctype": ACTION,
				"title": _("Improve: {0}").format(text)[:140],
				"status": "Open",
				"practice": row.practice,
				"action_owner": doc.assessor,
				"due_date": due,
				"source_assessment": doc.name,
				"source_question": row.question,
				"description": "\n".join(filter(None, [row.evidence, row.comment])),
				"kpi_key": kpi,
				"target_value": flt(targets.get(kpi)) if kpi else 0,
			}
		)
		action.insert(ignore_permissions=True)  # the register follows the submit the user may do
		created.append(action.name)
	return created


@frappe.whitelist(methods=["POST"])
@checked
def create_improvement_actions(assessment: str) -> list[str]:
	"""The improvement actions of a submitted assessment's weak answers that are still missing (a re-run
	creates none more)."""
	doc = frappe.get_doc(ASSESSMENT, assessment)
	doc.check_permission("submit")
	if doc.docstatus != 1:
		frappe.throw(_("Submit the assessment first: its weak answers then become improvement actions."))
	return create_actions(doc)


def _kpis():
	from itil_crm.continual_improvement import kpis

	return kpis


def _targets() -> dict:
	return _kpis().targets()


def last_full_month(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
	"""``[start, end)`` of the month before ``today``'s (the site's today)."""
	end = getdate(get_first_day(today or getdate(nowdate())))
	return getdate(add_months(end, -1)), end


def kpi_value(figures: dict, kpi: str) -> float | None:
	value = figures.get(kpi)
	if isinstance(value, bool) or not isinstance(value, int | float):
		return None
	return float(value)


def measure_kpi(kpi: str, today: dt.date | None = None) -> tuple[float | None, str]:
	"""The KPI over the last full month, and that month (YYYY-MM)."""
	start, end = last_full_month(today)
	return kpi_value(_kpis().figures(start, end), kpi), start.strftime("%Y-%m")


def target_of(action) -> float | None:
	"""The action's target; 0 on a KPI where higher is better means none (the KPI's direction counts)."""
	target = flt(action.target_value)
	kpi = KPIS.get(action.kpi_key)
	if not target and kpi and kpi.better == "higher":
		return None
	return target


def moved(action) -> str:
	if not action.kpi_key:
		return ""
	if not (cint(action.baseline_measured) and cint(action.current_measured)):
		return "Not Measured"
	kpi = KPIS.get(action.kpi_key)
	return (
		rules.movement(
			flt(action.baseline_value),
			flt(action.current_value),
			target=target_of(action),
			better=kpi.better if kpi and kpi.better else "none",
		)
		or "Not Measured"
	)


def set_current(action, value: float | None, month: str) -> None:
	action.current_value = value or 0
	action.current_measured = int(value is not None)
	action.current_period = month
	action.refreshed_on = now_datetime()
	action.moved = moved(action)


def refresh_actions() -> int:
	"""Daily: the current value of every open action's KPI over the last full month (the figures computed
	once for all), and whether it moved. Returns how many actions were refreshed."""
	actions = frappe.get_all(
		ACTION,
		filters={"status": ["in", OPEN_ACTIONS], "kpi_key": ["is", "set"]},
		fields=["name", "kpi_key", "target_value", "baseline_value", "baseline_measured"],
	)
	if not actions:
		return 0
	start, end = last_full_month()
	figures = _kpis().figures(start, end)
	month = start.strftime("%Y-%m")
	for action in actions:
		set_current(action, kpi_value(figures, action.kpi_key), month)
		frappe.db.set_value(
			ACTION,
			action.name,
			{
				"current_value": action.current_value,
				"current_measured": action.current_measured,
				"current_period": action.current_period,
				"refreshed_on": action.refreshed_on,
				"moved": action.moved,
			},
			update_modified=False,
		)
	return len(actions)
