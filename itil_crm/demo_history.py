"""A year of history for the demo, so the observatory's trends and the service reviews mean something.

	bench --site SITE execute itil_crm.demo_history.create_history

Twelve months before the current one, each with about ten incidents of Acme Retail (the key account,
Gold SLA around the clock) and of a second customer on the standard SLA, from every channel: most
resolved by the service desk at first contact or with the known error's workaround, others escalated
to application support (OLA) and some on to the hosting supplier (UC), a few reopened. Every third
month the production database goes down (a P1 raised by monitoring) and the CRM service is out until
it is fixed. Quality improves over the year: fewer late resolutions, fewer supplier overruns. Problems
and changes are spread over the months too.

Each incident is made through the app, with its clock frozen at each move (``site_time.frozen``), so
its SLA events, legs, elapsed service time and breaches are what the app itself computes. The random
choices come from a fixed seed: the same history on every site. Running it again does nothing.
"""

from __future__ import annotations

import datetime as dt
import random

import frappe
from frappe.utils import add_months, get_first_day, getdate, today

from itil_crm.integrations.apps import is_installed
from itil_crm.service_desk import escalation
from itil_crm.service_level import site_time

MARKER = "History: CRM login slow after the monthly password rotation"
SECOND_CUSTOMER = "Globex Logistics"
MONTHS = 12
L1, L2, L3 = "Level 1 - Service Desk", "Level 2 - Application Support", "Level 3 - Expert Support"
SUPPLIER = "Acme Hosting (Supplier)"
CHANNELS = ["Phone", "Email", "Email", "Portal", "Chat", "Phone", "Portal"]
SUBJECTS = [
	"Customer search times out",
	"Cannot save a quotation",
	"Report export hangs at 90 %",
	"Contact merge fails with an error",
	"Sales dashboard shows yesterday's figures",
	"Mail sync stopped for one mailbox",
	"Login page loops back to the start",
	"Attachment preview is blank",
	"Duplicate activities after import",
	"Mobile app cannot reach the server",
]


def create_history(months: int = MONTHS) -> dict:
	"""The demo's year of history (needs the demo itself: `itil_crm.demo.create_demo_data`)."""
	if frappe.db.exists("ITIL Incident", {"subject": MARKER}):
		return {"created": False}
	if not frappe.db.exists("ITIL Configuration Item", {"ci_name": "CRM Online"}):
		frappe.throw(frappe._("Create the demo data first (itil_crm.demo.create_demo_data)."))
	out = _History(months).create()
	if not frappe.flags.in_test and not frappe.flags.itil_demo:
		frappe.db.commit()
	return {"created": True, **out}


def _ci(name: str) -> str:
	return frappe.db.get_value("ITIL Configuration Item", {"ci_name": name})


def _naive(moment: dt.datetime) -> dt.datetime:
	return moment.replace(tzinfo=None)


class _History:
	def __init__(self, months: int):
		self.months = months
		self.rng = random.Random(24)
		self.zone = site_time.system_zone()
		self.app, self.db = _ci("CRM Application"), _ci("crm-db-prd-01")
		self.server = _ci("crm-app-prd-01")
		self.known_error = frappe.db.get_value(
			"ITIL Known Error", {"title": "Missing index on the customer search table"}
		)
		self.customers = self._customers()
		self.incidents: list[str] = []
		self.outages: list[str] = []

	# ---------------------------------------------------------------- customers

	def _customers(self) -> list[dict]:
		acme = frappe.db.get_value(
			"Contact", {"email_id": "claire.martin@acme-retail.example"}, ["name"], as_dict=True
		)
		first = frappe.db.get_value(
			"ITIL Incident",
			{"caller_email": "claire.martin@acme-retail.example"},
			["customer_type", "customer"],
			as_dict=True,
		)
		callers = [
			{
				"customer_type": first.customer_type if first else None,
				"customer": first.customer if first else None,
				"caller": acme.name if acme else None,
				"caller_email": "claire.martin@acme-retail.example",
			}
		]
		customer_type, customer = self._second_customer()
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Jonas",
				"last_name": "Weber",
				"company_name": SECOND_CUSTOMER,
				"email_ids": [{"email_id": "jonas.weber@globex-logistics.example", "is_primary": 1}],
			}
		).insert(ignore_permissions=True)
		callers.append(
			{
				"customer_type": customer_type,
				"customer": customer,
				"caller": contact.name,
				"caller_email": "jonas.weber@globex-logistics.example",
			}
		)
		return callers

	def _second_customer(self):
		if is_installed("erpnext"):
			if not frappe.db.exists("Customer", SECOND_CUSTOMER):
				frappe.get_doc(
					{"doctype": "Customer", "customer_name": SECOND_CUSTOMER, "customer_type": "Company"}
				).insert(ignore_permissions=True, ignore_mandatory=True)
			return "Customer", SECOND_CUSTOMER
		if is_installed("helpdesk"):
			if not frappe.db.exists("HD Customer", SECOND_CUSTOMER):
				frappe.get_doc({"doctype": "HD Customer", "customer_name": SECOND_CUSTOMER}).insert(
					ignore_permissions=True
				)
			return "HD Customer", SECOND_CUSTOMER
		return None, None

	# ---------------------------------------------------------------- the months

	def create(self) -> dict:
		this_month = get_first_day(getdate(today()))
		for back in range(self.months, 0, -1):
			start = getdate(add_months(this_month, -back))
			end = getdate(add_months(start, 1))
			progress = (self.months - back) / max(self.months - 1, 1)  # 0 the oldest month, 1 the last
			for i in range(10):
				self._incident(start, end, progress, first=(back == self.months and i == 0))
			if back % 3 == 0:
				self._outage(start, end)
		problems = self._problems(this_month)
		changes = self._changes(this_month)
		return {
			"incidents": self.incidents,
			"outages": self.outages,
			"problems": problems,
			"changes": changes,
		}

	def _moment(self, start: dt.date, end: dt.date) -> dt.datetime:
		"""A working moment of the month (weekdays, 09:00-17:00), aware in the site's zone."""
		days = (end - start).days
		while True:
			day = start + dt.timedelta(days=self.rng.randrange(days))
			if day.weekday() < 5:
				break
		minute = self.rng.randrange(9 * 60, 17 * 60)
		return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.zone)

	def _at(self, moment: dt.datetime, doc, **values):
		"""One save of the incident as of ``moment``."""
		with site_time.frozen(moment):
			doc.update(values)
			doc.save(ignore_permissions=True)
		return doc

	def _incident(self, start, end, progress: float, first: bool = False):
		rng = self.rng
		caller = (
			self.customers[0]
			if rng.random() < 0.6 or not self.customers[1]["customer"]
			else self.customers[1]
		)
		opened = self._moment(start, end)
		impact, urgency = rng.choice(
			[("Low", "Low"), ("Low", "Medium"), ("Medium", "Medium"), ("Medium", "Low"), ("High", "Medium")]
		)
		with site_time.frozen(opened):
			doc = frappe.get_doc(
				{
					"doctype": "ITIL Incident",
					"subject": MARKER if first else f"History: {rng.choice(SUBJECTS)}",
					"opened_on": _naive(opened),
					"channel": rng.choice(CHANNELS),
					"impact": impact,
					"urgency": urgency,
					"configuration_item": self.app if rng.random() < 0.8 else self.server,
					"support_group": L1,
					**caller,
				}
			).insert(ignore_permissions=True)
		self.incidents.append(doc.name)
		late = rng.random() < 0.3 - 0.27 * progress  # quality improves over the year
		response = dt.timedelta(minutes=rng.randrange(5, 40) if not late else rng.randrange(60, 240))
		moment = opened + response
		self._at(moment, doc, status="In Progress")
		path = rng.choices(["first_contact", "workaround", "level2", "supplier"], [45, 12, 28, 15])[0]
		if path == "workaround" and not self.known_error:
			path = "first_contact"
		if path in ("level2", "supplier") and doc.support_group != L2:  # a warranty incident is there already
			moment += dt.timedelta(minutes=rng.randrange(20, 120))
			with site_time.frozen(moment):
				escalation.escalate(doc, L2, "Needs application support")
			doc.reload()
		if path == "supplier":
			moment += dt.timedelta(minutes=rng.randrange(20, 90))
			with site_time.frozen(moment):
				escalation.escalate(doc, SUPPLIER, "Hosting platform fault")
			doc.reload()
		work = {
			"first_contact": (0.3, 2),
			"workaround": (0.2, 1),
			"level2": (0.5, 2.5),
			"supplier": (0.3, 1.2),
		}[path]
		hours = rng.uniform(*work) * (4 if late else 1)
		moment += dt.timedelta(hours=hours)
		code, notes = {
			"first_contact": ("User Error", "Explained the procedure to the caller"),
			"workaround": ("Workaround Applied", "Re-index job run manually (known error workaround)"),
			"level2": ("Configuration Change", "Application setting corrected"),
			"supplier": ("Permanent Fix", "Hosting supplier replaced the failing component"),
		}[path]
		values = {"status": "Resolved", "resolution_code": code, "resolution_notes": notes}
		if path == "workaround":
			values["known_error"] = self.known_error
		self._at(moment, doc, **values)
		if rng.random() < 0.08:  # the caller says it is not solved: reopened, resolved again
			moment += dt.timedelta(hours=rng.randrange(2, 20))
			self._at(moment, doc, status="In Progress")
			moment += dt.timedelta(hours=rng.uniform(1, 4))
			self._at(moment, doc, status="Resolved")
		if moment + dt.timedelta(days=5) < site_time.now():
			self._at(moment + dt.timedelta(days=5), doc, status="Closed")

	def _outage(self, start, end):
		"""The production database down: a P1 from monitoring, fixed by the experts after some hours."""
		rng = self.rng
		opened = self._moment(start, end)
		with site_time.frozen(opened):
			doc = frappe.get_doc(
				{
					"doctype": "ITIL Incident",
					"subject": "History: CRM database unreachable, CRM Online is down",
					"opened_on": _naive(opened),
					"channel": "Monitoring Event",
					"impact": "High",
					"urgency": "High",
					"configuration_item": self.db,
					"support_group": L1,
					**self.customers[0],
				}
			).insert(ignore_permissions=True)
		self.incidents.append(doc.name)
		self.outages.append(doc.name)
		moment = opened + dt.timedelta(minutes=rng.randrange(3, 15))
		self._at(moment, doc, status="In Progress")
		moment += dt.timedelta(minutes=rng.randrange(15, 40))
		with site_time.frozen(moment):
			escalation.escalate(doc, L3, "Database server down")
		doc.reload()
		moment += dt.timedelta(hours=rng.uniform(1, 5))
		self._at(
			moment,
			doc,
			status="Resolved",
			resolution_code="Permanent Fix",
			resolution_notes="Failed disk replaced, database restarted and checked",
		)
		self._at(moment + dt.timedelta(days=3), doc, status="Closed")

	# ---------------------------------------------------------------- problems and changes

	def _dated(self, doctype: str, name: str, created: dt.datetime, **values):
		"""A record of the past: its creation (and the given dates) moved back to when it happened."""
		frappe.db.set_value(doctype, name, {"creation": created, **values}, update_modified=False)

	def _problems(self, this_month) -> list[str]:
		names = []
		for back, title, resolved in (
			(11, "Mail sync drops mailboxes after the provider's update", True),
			(8, "Report exports hang on large date ranges", True),
			(5, "Login loops for users with an expired session cookie", True),
			(2, "Mobile app loses its connection behind the customers' proxies", False),
		):
			opened = getdate(add_months(this_month, -back)) + dt.timedelta(days=4)
			doc = frappe.get_doc(
				{
					"doctype": "ITIL Problem",
					"title": f"History: {title}",
					"priority": "P3 Moderate",
					"support_group": L3,
					"description": title,
				}
			).insert(ignore_permissions=True)
			doc.status = "Under Investigation"
			doc.save(ignore_permissions=True)
			created = dt.datetime.combine(opened, dt.time(10))
			if resolved:
				doc.status = "Resolved"
				doc.root_cause = "Found in the vendor's release notes"
				doc.save(ignore_permissions=True)
				self._dated("ITIL Problem", doc.name, created, resolved_on=created + dt.timedelta(days=20))
			else:
				self._dated("ITIL Problem", doc.name, created)
			names.append(doc.name)
		return names

	def _changes(self, this_month) -> list[str]:
		names = []
		for back, title, outcome in (
			(10, "Upgrade the mail connector", "Successful"),
			(7, "Add memory to the CRM application server", "Successful"),
			(4, "Move report exports to the background queue", "Failed"),
			(1, "Renew the CRM's TLS certificate", "Successful"),
		):
			day = getdate(add_months(this_month, -back)) + dt.timedelta(days=10)
			start = dt.datetime.combine(day, dt.time(20))
			doc = frappe.get_doc(
				{
					"doctype": "ITIL Change",
					"title": f"History: {title}",
					"change_type": "Normal",
					"risk": "Low",
					"reason": title,
					"affected_cis": [{"configuration_item": self.app}],
					"implementation_plan": "See the runbook",
					"test_plan": "Smoke test of the CRM",
					"backout_plan": "Restore the previous version",
				}
			).insert(ignore_permissions=True)
			names.append(doc.name)
			self._dated(
				"ITIL Change",
				doc.name,
				start - dt.timedelta(days=7),
				status="Closed",
				planned_start=start,
				planned_end=start + dt.timedelta(hours=2),
				actual_start=start,
				actual_end=start + dt.timedelta(hours=1, minutes=30),
				review_outcome=outcome,
				post_implementation_review=f"{outcome}: reviewed with the service owner",
			)
		return names
