"""The service review: ITIL service level management's periodic review of a customer, a business service
or the whole desk, for whole months.

A draft computes its figures from ``kpis`` (the one source of figures) on demand; submitting computes them
once more and freezes them: the tables of a submitted review are never written again, so editing an
incident later moves the figures of a new review of the period, not those of a submitted one. Each figure
stands beside its target and the previous period's value: the frozen figure of the submitted review of
the same scope for the period just before when there is one, else computed for that period.

Scheduled generation: on the first working day of the month (ITIL Settings' default service calendar), a
daily job creates and submits last month's review of each enabled ``ITIL Service Review Schedule`` and
mails its PDF to the schedule's recipients through the Email Queue, once.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate

from itil_crm.continual_improvement import kpis, rollups
from itil_crm.engines import review_periods as periods
from itil_crm.engines import service_kpis
from itil_crm.engines.business_time import business_seconds_between
from itil_crm.frappe_fixes.replica import on_primary
from itil_crm.integrations.apps import validate_customer
from itil_crm.service_level import site_time

REVIEW = "ITIL Service Review"
SCHEDULE = "ITIL Service Review Schedule"
PRINT_FORMAT = "ITIL Service Review"
WHOLE_DESK, CUSTOMER, SERVICE = "Whole desk", "Customer", "Business Service"
BUSINESS_SERVICE = "Business Service"  # the CI type of a business service

# the review's figures, section by section: (section, KPI key, dimension or None for the scope's total)
LAYOUT = (
	("Incidents", "incidents", None),
	("Incidents", "incidents", "priority"),
	("Incidents", "incidents", "channel"),
	("Service levels", "sla_met", None),
	("Service levels", "sla_met", "priority"),
	("Service levels", "ola_met", None),
	("Service levels", "ola_met", "support_group"),
	("Service levels", "uc_met", None),
	("Service levels", "uc_met", "supplier"),
	("Resolution", "mttr_hours", None),
	("Resolution", "mttr_hours", "priority"),
	("Resolution", "first_response_hours", None),
	("Resolution", "first_contact_resolution", None),
	("Resolution", "tier_resolution", "tier"),
	("Resolution", "reopen_rate", None),
	("Resolution", "known_error_workaround", None),
	("Major incidents", "major_incidents", None),
	("Major incidents", "major_incident_hours", None),
	("Problems and changes", "problems_opened", None),
	("Problems and changes", "problems_resolved", None),
	("Problems and changes", "changes_implemented", None),
	("Problems and changes", "change_success", None),
	("Problems and changes", "change_incidents", None),
)
DIMENSIONS = tuple(dict.fromkeys(d for _s, _k, d in LAYOUT if d))
SUMMARY = ("problems_opened", "problems_resolved", "changes_implemented", "change_incidents")


# ---------------------------------------------------------------------------------------- validation


def validate_scope(doc) -> None:
	"""The scope names its subject, and only it: a customer (of an installed customer doctype; the form
	proposes ERPNext's Customer when ERPNext is installed) or a configuration item of type Business
	Service."""
	if doc.scope not in (WHOLE_DESK, CUSTOMER, SERVICE):
		frappe.throw(
			_("Scope must be one of: {0}.").format(", ".join(_(s) for s in (WHOLE_DESK, CUSTOMER, SERVICE))),
			frappe.ValidationError,
		)
	if doc.scope != CUSTOMER:
		doc.customer_type = doc.customer = None
	if doc.scope != SERVICE:
		doc.service = None
	if doc.scope == CUSTOMER:
		if not doc.customer:
			frappe.throw(_("A review of a customer needs the customer."), frappe.ValidationError)
		validate_customer(doc)
	if doc.scope == SERVICE:
		if not doc.service:
			frappe.throw(_("A review of a business service needs the service."), frappe.ValidationError)
		ci_type = frappe.db.get_value("ITIL Configuration Item", doc.service, "ci_type")
		if ci_type != BUSINESS_SERVICE:
			frappe.throw(
				_(
					"{0} is not a business service (its type is {1}): choose a configuration item of type {2}."
				).format(doc.service, _(ci_type) if ci_type else "–", _(BUSINESS_SERVICE)),
				frappe.ValidationError,
			)


def validate_period(doc) -> None:
	"""Whole calendar months: from a 1st of month to the last day of a month."""
	if not (doc.period_start and doc.period_end):
		frappe.throw(_("A review needs the first and the last day of its period."), frappe.ValidationError)
	start, last = getdate(doc.period_start), getdate(doc.period_end)
	problem = periods.period_problem(start, last)
	if problem == periods.END_BEFORE_START:
		frappe.throw(
			_("The period ends ({0}) before it starts ({1}).").format(last, start), frappe.ValidationError
		)
	if problem == periods.START_NOT_FIRST:
		frappe.throw(
			_("A review covers whole months: its period starts on the 1st of a month, not on {0}.").format(
				start
			),
			frappe.ValidationError,
		)
	if problem == periods.END_NOT_LAST:
		frappe.throw(
			_(
				"A review covers whole months: its period ends on the last day of a month ({0}), not on {1}."
			).format(periods.last_day(last), last),
			frappe.ValidationError,
		)
	if start > site_time.now().date():
		frappe.throw(_("The period {0} has not started yet.").format(start), frappe.ValidationError)


def default_title(doc) -> str:
	subject = {CUSTOMER: doc.customer, SERVICE: doc.service}.get(doc.scope) or _("Whole desk")
	start, end = period_of(doc)
	months = periods.months_in(start, end)
	when = f"{start:%Y-%m}" if months == 1 else f"{start:%Y-%m} – {end - periods.ONE_DAY:%Y-%m}"
	return f"{subject} · {when}"


def period_of(doc) -> tuple[dt.date, dt.date]:
	"""The review's period as ``[start, end)`` (end: the 1st after its last day)."""
	return getdate(doc.period_start), getdate(doc.period_end) + periods.ONE_DAY


def scope_of(doc) -> kpis.Scope:
	if doc.scope == CUSTOMER:
		return kpis.Scope(customer_type=doc.customer_type, customer=doc.customer)
	if doc.scope == SERVICE:
		return kpis.Scope(service=doc.service)
	return kpis.Scope()


def same_subject(doc) -> dict:
	"""Filters for the reviews of the same scope and subject as ``doc``."""
	filters = {"scope": doc.scope}
	for field in ("customer_type", "customer", "service"):
		filters[field] = doc.get(field) or ["is", "not set"]
	return filters


def submitted_review(doc, start: dt.date, end: dt.date, exclude: str | None = None) -> str | None:
	"""The submitted review of ``doc``'s scope for ``[start, end)``, if any."""
	filters = {
		**same_subject(doc),
		"docstatus": 1,
		"period_start": start,
		"period_end": end - periods.ONE_DAY,
	}
	if exclude:
		filters["name"] = ["!=", exclude]
	found = frappe.get_all(REVIEW, filters=filters, pluck="name", order_by="creation desc", limit=1)
	return found[0] if found else None


def check_not_reviewed_yet(doc) -> None:
	"""One submitted review per scope and period: the next review's previous figures are its figures."""
	start, end = period_of(doc)
	if other := submitted_review(doc, start, end, exclude=doc.name):
		frappe.throw(
			_(
				"{0} already reviews this scope for this period: cancel it (then amend it) to review it again."
			).format(other),
			frappe.ValidationError,
		)


# ---------------------------------------------------------------------------------------- figures


def compute(doc) -> None:
	"""Fill the review's tables from ``kpis`` for its period and scope, beside the previous period's."""
	start, end = period_of(doc)
	scope = scope_of(doc)
	before = periods.previous_period(start, end)
	doc.previous_review = submitted_review(doc, *before, exclude=doc.name)
	refreshed = fresh_counters(start, end, scope)
	if not doc.previous_review:
		refreshed |= fresh_counters(*before, scope)
	# months refreshed in this transaction are read where they were written (a replica cannot see them)
	with on_primary() if refreshed else nullcontext():
		now_measured = measure(start, end, scope, doc.scope)
		if doc.previous_review:
			previous = frozen_figures(doc.previous_review)
		else:
			previous = flatten(measure(*before, scope, doc.scope))
	targets = kpis.targets()
	doc.set("figures", [])
	for section, key, dimension, value_of, value in figure_rows(now_measured):
		previous_value = previous.get((key, dimension or "", value_of or ""))
		doc.append(
			"figures", figure(section, key, dimension, value_of, value, previous_value, targets.get(key))
		)
	for row in now_measured["availability"]:
		previous_value = previous.get(("availability", "service", row["service"]))
		doc.append(
			"figures",
			figure("Availability", "availability", "service", row["service"], row.get("availability"),
				previous_value, row.get("target")),
		)  # fmt: skip
	totals = now_measured["figures"]
	for key in SUMMARY:
		doc.set(key, int(totals.get(key) or 0))
	doc.set("breaches", [breach_row(b) for b in kpis.breaches(start, end, scope)])
	listed = kpis.major_incidents(start, end, scope, MAJOR_LISTED)
	doc.set("major_incidents", [major_incident_row(m) for m in listed])
	doc.set("availability", [availability_row(a) for a in now_measured["availability"]])
	doc.computed_on = site_time.naive(site_time.now())


def forget_figures(doc) -> None:
	"""Empty the tables of a draft whose scope or period changed (Compute Figures fills them again)."""
	for table in ("figures", "breaches", "major_incidents", "availability"):
		doc.set(table, [])
	for key in SUMMARY:
		doc.set(key, 0)
	doc.previous_review = doc.computed_on = None


# the longest major incidents are listed (all of them are counted in the figures)
MAJOR_LISTED = 100


def fresh_counters(start: dt.date, end: dt.date, scope) -> bool:
	"""The monthly counters (ITIL Service Rollup) of the period as the incidents are now, in this
	transaction: a review is computed, and frozen, on what the incidents say when it is, not on the last
	hourly refresh (a business service's figures come from the same rows, per configuration item). Only
	the months of the period touched since the last refresh are refreshed (the hourly job keeps the
	others): at a million incidents a month's refresh takes seconds, the check a few milliseconds.
	Whether a month was refreshed (then the figures are read on the primary)."""
	done = frappe.flags.itil_fresh_months  # the scheduled job refreshes a month once for all its reviews
	months = []
	month = start
	while month < end:
		if done is None or month not in done:
			months.append(month)
		month = periods.add_months(month, 1)
	if not months:
		return False
	since = frappe.db.get_global(rollups.WATERMARK)
	stale = set(months) if not since else rollups.touched_months(get_datetime(since)) & set(months)
	for month in months:
		if month in stale:
			rollups.refresh_month(month)
		if done is not None:
			done.add(month)
	return bool(stale)


def measure(start: dt.date, end: dt.date, scope, scope_kind: str) -> dict:
	"""Every figure of the layout for a period: the totals, per dimension, and the business services'
	availability (the service's own for a service review, every business service's otherwise)."""
	services = [scope.service] if scope_kind == SERVICE and scope.service else None
	return {
		"figures": kpis.figures(start, end, scope),
		"by": {dimension: kpis.figures_by(dimension, start, end, scope) for dimension in DIMENSIONS},
		"availability": kpis.availability(start, end, services),
	}


def figure_rows(measured: dict):
	"""(section, key, dimension, dimension value, value) of the layout; per dimension, the values
	that have the figure (a group without OLA legs has no OLA figure)."""
	for section, key, dimension in LAYOUT:
		if not dimension:
			yield section, key, None, None, measured["figures"].get(key)
			continue
		for value_of, figures in sorted(measured["by"][dimension].items(), key=lambda kv: str(kv[0])):
			value = (figures or {}).get(key)
			if value is not None and value_of not in (None, ""):
				yield section, key, dimension, str(value_of), value


def flatten(measured: dict) -> dict:
	"""{(key, dimension, dimension value): value} of measured figures."""
	return {
		(key, dimension or "", value_of or ""): value
		for _s, key, dimension, value_of, value in figure_rows(measured)
	} | {("availability", "service", a["service"]): a.get("availability") for a in measured["availability"]}


def frozen_figures(review: str) -> dict:
	"""{(key, dimension, dimension value): value} of a submitted review's frozen figures."""
	rows = frappe.get_all(
		"ITIL Service Review Figure",
		filters={"parent": review, "parenttype": REVIEW, "parentfield": "figures"},
		fields=["kpi", "dimension", "dimension_value", "value", "measured"],
	)
	return {
		(r.kpi, r.dimension or "", r.dimension_value or ""): (r.value if r.measured else None) for r in rows
	}


def figure(section, key, dimension, value_of, value, previous, target) -> dict:
	"""A frozen figure: its value beside its target and the previous period's (the catalogue of
	``engines.service_kpis`` says how it reads and which way is better)."""
	kpi = service_kpis.KPIS[key]
	met = service_kpis.meets(key, value, target)
	trend = service_kpis.trend(key, value, previous)
	return {
		"section": section,
		"kpi": key,
		"label": kpi.label,
		"unit": kpi.unit,
		"dimension": dimension,
		"dimension_value": value_of,
		"value": value or 0,
		"measured": int(value is not None),
		"target": target or 0,
		"has_target": int(target is not None),
		"previous_value": previous or 0,
		"has_previous": int(previous is not None),
		"status": "" if met is None else ("Met" if met else "Missed"),
		"trend": (trend or "").capitalize(),
	}


def hours(seconds) -> float:
	return round(float(seconds or 0) / 3600, 2)


def breach_row(b: dict) -> dict:
	overrun = b.get("overrun_seconds", b.get("overrun"))
	return {
		"incident": b.get("incident"),
		"priority": b.get("priority"),
		"customer": b.get("customer"),
		"support_group": b.get("support_group"),
		"is_external": int(bool(b.get("is_external"))),
		"agreement_type": b.get("agreement_type"),
		"overrun_hours": hours(overrun),
	}


def major_incident_row(m: dict) -> dict:
	return {
		"incident": m.get("incident"),
		"subject": m.get("subject"),
		"opened_on": m.get("opened_on"),
		"resolved_on": m.get("resolved_on"),
		"hours": round(float(m.get("hours") or 0), 2),
	}


def availability_row(a: dict) -> dict:
	value, target = a.get("availability"), a.get("target")
	return {
		"service": a.get("service"),
		"service_name": a.get("service_name"),
		"service_hours": round(float(a.get("service_hours") or 0), 2),
		"lost_hours": round(float(a.get("lost_hours") or 0), 2),
		"outages": len(a.get("outages") or ()),
		"availability": value or 0,
		"target": target or 0,
		"met": int(bool(service_kpis.meets("availability", value, target))),
	}


# ---------------------------------------------------------------------------------------- schedule


def working_day(calendar: str | None):
	"""``works(day)``: the calendar has working time that day (its own time zone, holidays included).
	Without a calendar: Monday to Friday."""
	if not calendar:
		return lambda day: day.weekday() < 5
	from itil_crm.service_level.agreements import load_calendar

	cal = load_calendar(calendar)
	zone = ZoneInfo(cal.timezone)

	def works(day: dt.date) -> bool:
		start = dt.datetime.combine(day, dt.time(), zone)
		end = dt.datetime.combine(day + periods.ONE_DAY, dt.time(), zone)
		return business_seconds_between(cal, start, end) > 0

	return works


def send_scheduled_reviews_today():
	"""The daily job (hooks.py): today in the site's time zone."""
	return send_scheduled_reviews(site_time.now().date())


def send_scheduled_reviews(today: dt.date | str) -> list[str]:
	"""On the first working day of the month (default service calendar): last month's review of each
	enabled schedule, created and submitted unless it exists, mailed once to the schedule's recipients.
	Another day, or a schedule that already sent that month: nothing. Returns the reviews sent. Each
	schedule is its own savepoint: one that fails (logged) leaves nothing half-done and stops no other."""
	today = getdate(today)
	calendar = frappe.db.get_single_value("ITIL Settings", "default_service_calendar")
	if not periods.is_first_working_day(today, working_day(calendar)):
		return []
	start, end = periods.last_month(today)
	frappe.flags.itil_fresh_months = set()
	try:
		return [review for name in due_schedules() if (review := send_safely(name, start, end))]
	finally:
		frappe.flags.itil_fresh_months = None


def due_schedules() -> list[str]:
	return frappe.get_all(SCHEDULE, filters={"enabled": 1}, pluck="name", order_by="creation")


def send_safely(name: str, start: dt.date, end: dt.date) -> str | None:
	"""One schedule in its own savepoint: a failure (logged) leaves nothing of it and stops no other."""
	savepoint = f"itil_review_{frappe.generate_hash(length=8)}"
	frappe.db.savepoint(savepoint)
	try:
		return send_one(name, start, end)
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		frappe.flags.itil_fresh_months = set()  # what was refreshed in the savepoint is undone too
		frappe.log_error(
			title=_("Scheduled service review {0} failed").format(name),
			reference_doctype=SCHEDULE,
			reference_name=name,
		)
		return None


def send_one(schedule_name: str, start: dt.date, end: dt.date) -> str | None:
	"""The review of one schedule for ``[start, end)``, mailed, unless that month was sent already (the
	schedule's row is locked, so two runs at once send once)."""
	last = frappe.db.get_value(SCHEDULE, schedule_name, "last_generated_period", for_update=True)
	if last and getdate(last) >= start:
		return None
	schedule = frappe.get_doc(SCHEDULE, schedule_name)
	review = submitted_review(schedule, start, end)
	if not review:
		doc = frappe.get_doc(
			{
				"doctype": REVIEW,
				"scope": schedule.scope,
				"customer_type": schedule.customer_type,
				"customer": schedule.customer,
				"service": schedule.service,
				"period_start": start,
				"period_end": end - periods.ONE_DAY,
			}
		)
		doc.insert(ignore_permissions=True)
		doc.submit()
		review = doc.name
	mail(schedule, review)
	frappe.db.set_value(SCHEDULE, schedule_name, {"last_generated_period": start, "last_review": review})
	return review


def mail(schedule, review: str) -> None:
	"""The review's PDF to the schedule's recipients, in the schedule's language, through the Email Queue."""
	lang = schedule.mail_language or frappe.db.get_single_value("System Settings", "language") or "en"
	title = frappe.db.get_value(REVIEW, review, "title")
	subject = _("Service review: {0}", lang=lang).format(title)
	message = _("Please find attached the service review {0}.", lang=lang).format(title)
	frappe.sendmail(
		recipients=[row.email for row in schedule.recipients],
		subject=subject,
		message=message,
		attachments=[
			frappe.attach_print(REVIEW, review, file_name=review, print_format=PRINT_FORMAT, lang=lang)
		],
		reference_doctype=REVIEW,
		reference_name=review,
	)
