"""The evidence of the maturity self-assessment: for a question answered from the data, one measure of the
practice over the assessment's period, each one set-based query (frappe.qb aggregates: a count and a
conditional sum), whatever the number of records.

Every measure is higher-is-better (engines/maturity.py, ``EVIDENCE_MEASURES``): a share in % of a base
(``part`` of ``whole``), or relationships per configuration item. ``value`` is None when the base is
empty (nothing to measure: no proposal). The period is ``[start, end)`` of dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import add_months, get_datetime, getdate
from pypika.terms import Case

from itil_crm.engines.maturity import EVIDENCE_MEASURES, PER_ITEM

# what a Text Editor stores when it was left empty
EMPTY_HTML = ("", "<p><br></p>", '<div class="ql-editor read-mode"><p><br></p></div>')


@dataclass(frozen=True)
class Evidence:
	key: str
	part: float
	whole: float
	value: float | None  # % (or per item), 2 decimals; None when whole is 0

	def text(self) -> str:
		"""What the assessor reads, in their language."""
		if self.value is None:
			return _("Nothing to measure in the period.")
		if EVIDENCE_MEASURES[self.key][1] == PER_ITEM:
			return _("{0} relationships between {1} configuration items in service: {2} per item.").format(
				int(self.part), int(self.whole), self.value
			)
		return _("{0} of {1} {2}: {3}%.").format(
			int(self.part), int(self.whole), _(BASES[self.key]), self.value
		)


# what each measure counts, its base (the whole) in words
BASES = {
	"incidents_with_support_group": "incidents opened in the period have a support group",
	"incidents_with_caller": "incidents opened in the period name a caller or an email address",
	"incidents_with_ci": "incidents opened in the period name a configuration item",
	"incidents_with_resolution_code": "incidents resolved in the period have a resolution code",
	"p1_with_problem": "P1 incidents opened in the period are linked to a problem",
	"problems_with_root_cause": "problems resolved in the period record their root cause",
	"known_errors_used": "known errors were used in the 12 months to the end of the period",
	"known_errors_published": "known errors are published",
	"changes_reviewed": "changes implemented in the period have a post-implementation review outcome",
	"changes_with_ci": "changes implemented in the period name the configuration items they affect",
	"relationships_per_ci": "relationships between the configuration items in service",
	"cis_with_owner": "configuration items in service have an owner or a support group",
	"ola_coverage": "internal support groups work under an enabled OLA",
	"uc_coverage": "external support groups (suppliers) work under an enabled UC",
	"sla_met_share": "incidents resolved in the period with an SLA verdict met their SLA",
	"go_lives_reviewed": "go-lives whose warranty ended in the period were closed with a final review",
	"go_lives_with_change": "go-lives of the period are tied to a change",
}


def _filled(field):
	return field.notnull() & (field != "")


def _text_filled(field):
	return field.notnull() & field.notin(EMPTY_HTML)


def _share(key: str, query, condition) -> Evidence:
	"""``query``'s rows: how many (whole) and how many meet ``condition`` (part), one statement."""
	row = query.select(Count("*"), Sum(Case().when(condition, 1).else_(0))).run()[0]
	whole, part = int(row[0] or 0), int(row[1] or 0)
	return Evidence(key, part, whole, round(100.0 * part / whole, 2) if whole else None)


def _in(field, start: dt.date, end: dt.date):
	return (field >= get_datetime(start)) & (field < get_datetime(end))


# --- Service Desk -------------------------------------------------------------------------------------------


def incidents_with_support_group(start, end) -> Evidence:
	i = frappe.qb.DocType("ITIL Incident")
	base = frappe.qb.from_(i).where(_in(i.opened_on, start, end))
	return _share("incidents_with_support_group", base, _filled(i.support_group))


def incidents_with_caller(start, end) -> Evidence:
	i = frappe.qb.DocType("ITIL Incident")
	base = frappe.qb.from_(i).where(_in(i.opened_on, start, end))
	return _share("incidents_with_caller", base, _filled(i.caller) | _filled(i.caller_email))


# --- Incident Management ------------------------------------------------------------------------------------


def incidents_with_ci(start, end) -> Evidence:
	i = frappe.qb.DocType("ITIL Incident")
	base = frappe.qb.from_(i).where(_in(i.opened_on, start, end))
	return _share("incidents_with_ci", base, _filled(i.configuration_item))


def incidents_with_resolution_code(start, end) -> Evidence:
	i = frappe.qb.DocType("ITIL Incident")
	base = frappe.qb.from_(i).where(_in(i.resolved_on, start, end))
	return _share("incidents_with_resolution_code", base, _filled(i.resolution_code))


# --- Problem Management -------------------------------------------------------------------------------------


def p1_with_problem(start, end) -> Evidence:
	i, p = frappe.qb.DocType("ITIL Incident"), frappe.qb.DocType("ITIL Priority")
	p1 = frappe.qb.from_(p).select(p.name).where(p.rank == 1)
	base = frappe.qb.from_(i).where(_in(i.opened_on, start, end)).where(i.priority.isin(p1))
	return _share("p1_with_problem", base, _filled(i.problem))


def problems_with_root_cause(start, end) -> Evidence:
	p = frappe.qb.DocType("ITIL Problem")
	base = frappe.qb.from_(p).where(_in(p.resolved_on, start, end))
	return _share("problems_with_root_cause", base, _text_filled(p.root_cause))


# --- Known Errors -------------------------------------------------------------------------------------------


def known_errors_used(start, end) -> Evidence:
	"""Of the known errors that existed at the end of the period, those used in the 12 months to it: a
	workaround applied (workaround_last_used) or an incident opened then that is linked to it."""
	ke, i = frappe.qb.DocType("ITIL Known Error"), frappe.qb.DocType("ITIL Incident")
	since = add_months(getdate(end), -12)
	linked = (
		frappe.qb.from_(i).select(i.known_error).distinct().where(_filled(i.known_error))
		.where(_in(i.opened_on, since, end))
	)  # fmt: skip
	base = frappe.qb.from_(ke).where(ke.creation < get_datetime(end))
	used = _in(ke.workaround_last_used, since, end) | ke.name.isin(linked)
	return _share("known_errors_used", base, used)


def known_errors_published(start, end) -> Evidence:
	ke = frappe.qb.DocType("ITIL Known Error")
	base = frappe.qb.from_(ke).where(ke.creation < get_datetime(end))
	return _share("known_errors_published", base, ke.published == 1)


# --- Change Enablement --------------------------------------------------------------------------------------

IMPLEMENTED = ("Review", "Closed", "Backed Out")


def _implemented(c, start, end):
	return frappe.qb.from_(c).where(_in(c.actual_end, start, end)).where(c.status.isin(IMPLEMENTED))


def changes_reviewed(start, end) -> Evidence:
	c = frappe.qb.DocType("ITIL Change")
	return _share("changes_reviewed", _implemented(c, start, end), _filled(c.review_outcome))


def changes_with_ci(start, end) -> Evidence:
	c, a = frappe.qb.DocType("ITIL Change"), frappe.qb.DocType("ITIL Affected CI")
	with_ci = (
		frappe.qb.from_(a).select(a.parent).distinct().where(a.parenttype == "ITIL Change")
		.where(_filled(a.configuration_item))
	)  # fmt: skip
	return _share("changes_with_ci", _implemented(c, start, end), c.name.isin(with_ci))


# --- Configuration Management -------------------------------------------------------------------------------


def _in_service(ci):
	return Coalesce(ci.lifecycle_status, "") != "Retired"


def relationships_per_ci(start, end) -> Evidence:
	"""Relationships recorded on the configuration items in service (not retired), per item."""
	ci, rel = frappe.qb.DocType("ITIL Configuration Item"), frappe.qb.DocType("ITIL CI Relationship")
	row = (
		frappe.qb.from_(ci)
		.left_join(rel)
		.on((rel.parent == ci.name) & (rel.parenttype == "ITIL Configuration Item"))
		.select(Count(ci.name).distinct(), Count(rel.name))
		.where(_in_service(ci))
		.run()[0]
	)
	cis, relationships = int(row[0] or 0), int(row[1] or 0)
	value = round(relationships / cis, 2) if cis else None
	return Evidence("relationships_per_ci", relationships, cis, value)


def cis_with_owner(start, end) -> Evidence:
	ci = frappe.qb.DocType("ITIL Configuration Item")
	base = frappe.qb.from_(ci).where(_in_service(ci))
	return _share("cis_with_owner", base, _filled(ci.ci_owner) | _filled(ci.support_group))


# --- Service Level Management -------------------------------------------------------------------------------


def _coverage(key: str, external: int, agreement_type: str) -> Evidence:
	"""Groups (internal or external) that have an enabled agreement of the type: the group's own agreement
	(what its legs are timed against) or one that names the group."""
	g, a = frappe.qb.DocType("ITIL Support Group"), frappe.qb.DocType("ITIL Service Agreement")
	kind = (a.agreement_type == agreement_type) & (a.enabled == 1)
	named = frappe.qb.from_(a).select(a.support_group).distinct().where(kind).where(_filled(a.support_group))
	own = frappe.qb.from_(a).select(a.name).where(kind)
	base = frappe.qb.from_(g).where(Coalesce(g.is_external, 0) == external)
	return _share(key, base, g.service_agreement.isin(own) | g.name.isin(named))


def ola_coverage(start, end) -> Evidence:
	return _coverage("ola_coverage", 0, "OLA")


def uc_coverage(start, end) -> Evidence:
	return _coverage("uc_coverage", 1, "UC")


def sla_met_share(start, end) -> Evidence:
	i = frappe.qb.DocType("ITIL Incident")
	base = (
		frappe.qb.from_(i).where(_in(i.resolved_on, start, end))
		.where(i.sla_status.isin(("Met", "Missed", "Breached")))
	)  # fmt: skip
	return _share("sla_met_share", base, i.sla_status == "Met")


# --- Service Transition / Warranty --------------------------------------------------------------------------


def go_lives_reviewed(start, end) -> Evidence:
	g = frappe.qb.DocType("ITIL Go-Live")
	base = frappe.qb.from_(g).where(g.warranty_end >= getdate(start)).where(g.warranty_end < getdate(end))
	return _share("go_lives_reviewed", base, (g.status == "Closed") & _text_filled(g.final_review))


def go_lives_with_change(start, end) -> Evidence:
	g = frappe.qb.DocType("ITIL Go-Live")
	base = frappe.qb.from_(g).where(g.go_live_date >= getdate(start)).where(g.go_live_date < getdate(end))
	return _share("go_lives_with_change", base, _filled(g.change))


MEASURES: dict[str, Callable[[dt.date, dt.date], Evidence]] = {
	"incidents_with_support_group": incidents_with_support_group,
	"incidents_with_caller": incidents_with_caller,
	"incidents_with_ci": incidents_with_ci,
	"incidents_with_resolution_code": incidents_with_resolution_code,
	"p1_with_problem": p1_with_problem,
	"problems_with_root_cause": problems_with_root_cause,
	"known_errors_used": known_errors_used,
	"known_errors_published": known_errors_published,
	"changes_reviewed": changes_reviewed,
	"changes_with_ci": changes_with_ci,
	"relationships_per_ci": relationships_per_ci,
	"cis_with_owner": cis_with_owner,
	"ola_coverage": ola_coverage,
	"uc_coverage": uc_coverage,
	"sla_met_share": sla_met_share,
	"go_lives_reviewed": go_lives_reviewed,
	"go_lives_with_change": go_lives_with_change,
}


def measure(key: str, start: dt.date, end: dt.date) -> Evidence:
	"""The evidence ``key`` over ``[start, end)``."""
	if key not in MEASURES:
		frappe.throw(_("Unknown evidence measure: {0}").format(key), frappe.ValidationError)
	return MEASURES[key](getdate(start), getdate(end))
