"""The service review (issue 24): figures from kpis for a period and scope, frozen on submit, beside the
previous period's; its print format in English and French; the monthly schedule that creates, submits
and mails last month's review once, on the first working day of the month."""

import datetime as dt
import email
import unittest

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, random_string, today

from itil_crm.continual_improvement import kpis, service_review
from itil_crm.engines import review_periods as periods
from itil_crm.integrations.apps import is_installed
from itil_crm.service_level import site_time
from itil_crm.tests import test_service_kpis as hand
from itil_crm.tests.test_desk import assets_served
from itil_crm.tests.utils import TEST_IGNORE, make_ci, make_incident, user_with_roles

test_ignore = TEST_IGNORE
REVIEW = "ITIL Service Review"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
	return dt.datetime.combine(day, dt.time(hour), tzinfo=site_time.system_zone())


def month(back: int) -> tuple[dt.date, dt.date]:
	"""The period of the month ``back`` months before the current one."""
	start = periods.add_months(periods.month_start(getdate(today())), -back)
	return start, periods.add_months(start, 1)


def make_customer() -> tuple[str, str]:
	if not (is_installed("erpnext") or is_installed("helpdesk")):
		raise unittest.SkipTest("a customer's review needs ERPNext's Customer or Helpdesk's HD Customer")
	if is_installed("erpnext"):
		name = frappe.get_doc(
			{"doctype": "Customer", "customer_name": f"_Test Review Customer {random_string(6)}"}
		).insert(ignore_permissions=True)
		return "Customer", name.name
	doc = frappe.get_doc({"doctype": "HD Customer", "name": f"_Test Review Customer {random_string(6)}"})
	return "HD Customer", doc.insert(ignore_permissions=True).name


class ReviewCase(FrappeTestCase):
	def setUp(self):
		self.customer_type, self.customer = make_customer()
		self.scope = kpis.Scope(customer_type=self.customer_type, customer=self.customer)

	def incident(self, opened: dt.datetime, resolved: dt.datetime | None = None, **kw):
		kw.setdefault("customer_type", self.customer_type)
		kw.setdefault("customer", self.customer)
		with site_time.frozen(opened):
			doc = make_incident(opened_on=opened.replace(tzinfo=None), **kw)
		if resolved:
			with site_time.frozen(resolved):
				doc.reload()
				doc.update({"status": "Resolved", "resolution_code": "Permanent Fix"})
				doc.save()
		return doc.reload()

	def review(self, start: dt.date, end: dt.date, scope: str = "Customer", compute: bool = True, **kw):
		values = {
			"doctype": REVIEW,
			"scope": scope,
			"period_start": start,
			"period_end": end - dt.timedelta(days=1),
		}
		if scope == "Customer":
			values.update(customer_type=self.customer_type, customer=self.customer)
		values.update(kw)
		doc = frappe.get_doc(values).insert()
		if compute:
			doc.compute_figures()
			doc.reload()
		return doc

	@staticmethod
	def row(doc, kpi: str, dimension: str | None = None, value: str | None = None):
		found = [
			r
			for r in doc.figures
			if r.kpi == kpi and (r.dimension or None) == dimension and (r.dimension_value or None) == value
		]
		return found[0] if found else None

	@staticmethod
	def value(row):
		return row.value if row and row.measured else None

	@staticmethod
	def frozen(doc) -> list[tuple]:
		return sorted(
			(r.kpi, r.dimension or "", r.dimension_value or "", r.value, r.measured, r.previous_value)
			for r in doc.figures
		)


class TestServiceReviewFigures(ReviewCase):
	def test_a_review_computes_the_figures_of_kpis_for_its_period_and_scope(self):
		start, end = month(1)
		day = start + dt.timedelta(days=9)
		major = self.incident(at(day, 10), at(day, 13), impact="High", urgency="High")
		self.incident(at(day, 11), at(day + dt.timedelta(days=1), 11))
		self.incident(at(day, 12))  # still open
		review = self.review(start, end)

		self.assertEqual(self.value(self.row(review, "incidents")), 3)  # counted by hand
		# a draft moved to another period forgets the figures of the first
		other = frappe.get_doc(REVIEW, review.name)
		other.period_start, other.period_end = month(2)[0], start - dt.timedelta(days=1)
		other.save()
		self.assertEqual((other.figures, other.major_incidents, other.computed_on), ([], [], None))
		# moved back and computed in one call (the form sends the changed draft): the figures stay
		review = other
		review.period_start, review.period_end = start, end - dt.timedelta(days=1)
		review.compute_figures()
		review.reload()
		self.assertEqual(self.value(self.row(review, "major_incidents")), 1)
		self.assertEqual([m.incident for m in review.major_incidents], [major.name])
		self.assertAlmostEqual(review.major_incidents[0].hours, 3.0, places=2)
		self.assertTrue(review.computed_on)

		figures = kpis.figures(start, end, self.scope)
		for _section, key, dimension in service_review.LAYOUT:
			if dimension is None:
				got = self.value(self.row(review, key))
				if figures[key] is None:
					self.assertIsNone(got, key)
				else:
					self.assertAlmostEqual(got, figures[key], places=2, msg=key)
		for dimension in ("priority", "channel"):
			by = kpis.figures_by(dimension, start, end, self.scope)
			self.assertTrue(by, dimension)
			for value, figs in by.items():
				self.assertEqual(
					self.value(self.row(review, "incidents", dimension, value)), figs["incidents"]
				)
		self.assertEqual(
			self.value(self.row(review, "incidents", "priority", major.priority)),
			1,
			review.as_dict()["figures"],
		)
		# the whole desk's review equals the whole desk's figures, whatever else the site holds
		desk = self.review(start, end, scope="Whole desk")
		desk_figures = kpis.figures(start, end)
		self.assertGreaterEqual(desk_figures["incidents"], 3)
		for key, value in desk_figures.items():
			if value is not None and self.row(desk, key):
				self.assertAlmostEqual(self.value(self.row(desk, key)), value, places=2, msg=key)

	def test_submit_freezes_the_figures(self):
		start, end = month(1)
		day = start + dt.timedelta(days=4)
		major = self.incident(at(day, 9), at(day, 11), impact="High", urgency="High")
		review = self.review(start, end)
		review.submit()
		before = self.frozen(review)
		self.assertEqual(self.value(self.row(review, "major_incidents")), 1)

		# the incident is reopened and its impact lowered: it is no longer a major incident
		major.reload()
		major.update({"status": "In Progress", "impact": "Low", "urgency": "Low"})
		major.save()
		self.assertNotEqual(frappe.db.get_value("ITIL Priority", major.reload().priority, "rank"), 1)

		review.reload()
		self.assertEqual(self.frozen(review), before)
		self.assertEqual(self.value(self.row(review, "major_incidents")), 1)
		self.assertEqual([m.incident for m in review.major_incidents], [major.name])
		with self.assertRaises(frappe.ValidationError):
			review.compute_figures()

		draft = self.review(start, end)
		self.assertEqual(self.value(self.row(draft, "major_incidents")), 0)
		self.assertEqual(draft.major_incidents, [])
		self.assertEqual(self.value(self.row(draft, "incidents")), 1)
		# one submitted review per scope and period: the draft is refused until the first is cancelled
		with self.assertRaisesRegex(frappe.ValidationError, review.name):
			draft.submit()
		review.cancel()
		draft.reload()
		draft.submit()
		self.assertEqual(draft.docstatus, 1)

	def test_an_incident_listed_by_a_submitted_review_can_still_be_deleted(self):
		start, end = month(1)
		day = start + dt.timedelta(days=7)
		major = self.incident(at(day, 9), at(day, 10), impact="High", urgency="High")
		review = self.review(start, end)
		review.submit()
		frappe.delete_doc("ITIL Incident", major.name)
		self.assertFalse(frappe.db.exists("ITIL Incident", major.name))
		self.assertEqual([m.incident for m in review.reload().major_incidents], [major.name])

	def test_the_previous_periods_figures_come_from_the_previous_review(self):
		before_start, before_end = month(2)
		start, end = month(1)
		self.incident(at(before_start + dt.timedelta(days=2)))
		earlier = self.review(before_start, before_end)
		earlier.submit()
		self.assertEqual(self.value(self.row(earlier, "incidents")), 1)
		# an incident of that month logged late: the submitted review keeps its figure
		self.incident(at(before_start + dt.timedelta(days=3)))
		for _n in range(3):
			self.incident(at(start + dt.timedelta(days=5)))

		review = self.review(start, end)
		self.assertEqual(review.previous_review, earlier.name)
		incidents = self.row(review, "incidents")
		self.assertEqual((incidents.value, incidents.previous_value, incidents.has_previous), (3, 1, 1))
		self.assertEqual(incidents.trend, "")  # a volume is neither better nor worse
		for row in review.figures:
			frozen = self.row(earlier, row.kpi, row.dimension or None, row.dimension_value or None)
			if row.has_previous and frozen:
				self.assertEqual(row.previous_value, frozen.value, row.kpi)

		# without a submitted review of the month before, the previous figures are computed
		earlier.cancel()
		review.compute_figures()
		review.reload()
		self.assertFalse(review.previous_review)
		incidents = self.row(review, "incidents")
		self.assertEqual((incidents.value, incidents.previous_value), (3, 2))

	def test_a_figure_beside_its_target(self):
		start, end = month(1)
		day = start + dt.timedelta(days=6)
		self.incident(at(day, 9), at(day, 10), impact="High", urgency="High")
		review = self.review(start, end)
		major = self.row(review, "major_incidents")
		self.assertEqual((major.has_target, major.target), (1, kpis.targets()["major_incidents"]))
		self.assertEqual(major.status, "Missed")  # one P1 against a target of none

	def test_bad_input_is_refused_with_a_clear_message(self):
		start, end = month(1)
		last = end - dt.timedelta(days=1)
		application = make_ci(ci_type="Application")
		count = frappe.db.count(REVIEW)
		cases = [
			({"period_start": start + dt.timedelta(days=1)}, "starts on the 1st of a month"),
			({"period_end": last - dt.timedelta(days=1)}, "ends on the last day of a month"),
			({"period_start": end, "period_end": last}, "ends .* before it starts"),
			({"customer": None}, "needs the customer"),
			({"scope": "Business Service", "service": None}, "needs the service"),
			({"scope": "Business Service", "service": application.name}, "is not a business service"),
			({"customer_type": "User", "customer": "Administrator"}, "Customer type must be one of"),
			({"customer_type": None}, "Customer Type must be set first"),  # Frappe's own check
		]
		for change, message in cases:
			values = {
				"doctype": REVIEW,
				"scope": "Customer",
				"customer_type": self.customer_type,
				"customer": self.customer,
				"period_start": start,
				"period_end": last,
				**change,
			}
			with self.assertRaisesRegex(frappe.ValidationError, message, msg=str(change)):
				frappe.get_doc(values).insert()
		self.assertEqual(frappe.db.count(REVIEW), count)

	def test_a_business_service_review(self):
		start, end = month(1)
		server = make_ci(ci_type="Server")
		service = make_ci(
			ci_type="Business Service",
			relationships=[{"relationship_type": "Depends On", "target_ci": server.name}],
		)
		day = start + dt.timedelta(days=2)
		self.incident(at(day, 10), at(day, 12), configuration_item=server.name, impact="High", urgency="High")
		review = self.review(start, end, scope="Business Service", service=service.name)
		self.assertEqual(self.value(self.row(review, "incidents")), 1)
		self.assertEqual([a.service for a in review.availability], [service.name])
		availability = review.availability[0]
		self.assertGreater(availability.lost_hours, 0)
		self.assertLess(availability.availability, 100)
		expected = kpis.availability(start, end, [service.name])[0]
		self.assertAlmostEqual(availability.availability, expected["availability"], places=3)
		row = self.row(review, "availability", "service", service.name)
		self.assertAlmostEqual(row.value, expected["availability"], places=3)


class TestServiceReviewRights(ReviewCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_the_service_level_manager_submits_the_other_desk_roles_read(self):
		start, end = month(1)
		manager = user_with_roles("ITIL Service Level Manager")
		agent = user_with_roles("ITIL Service Desk Agent")
		self.assertTrue(frappe.has_permission(REVIEW, "submit", user=manager))
		self.assertFalse(frappe.has_permission(REVIEW, "submit", user=agent))
		self.assertFalse(frappe.has_permission(REVIEW, "create", user=agent))
		frappe.set_user(manager)
		review = self.review(start, end)
		review.submit()
		frappe.set_user(agent)
		seen = frappe.get_doc(REVIEW, review.name)
		self.assertTrue(seen.has_permission("read"))
		with self.assertRaises(frappe.PermissionError):
			seen.cancel()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(REVIEW, review.name, "docstatus"), 1)


class TestServiceReviewPrint(ReviewCase):
	def in_language(self, lang: str):
		frappe.local.lang = lang
		frappe.local.lang_full_dict = None
		frappe.local.jenv = None

	def tearDown(self):
		self.in_language("en")

	def test_the_pdf_in_english_and_in_french(self):
		start, end = month(1)
		day = start + dt.timedelta(days=3)
		self.incident(at(day, 9), at(day, 12), impact="High", urgency="High")
		review = self.review(start, end)
		review.submit()

		html = frappe.get_print(REVIEW, review.name, print_format=service_review.PRINT_FORMAT)
		self.assertIn("Service Review", html)
		self.assertIn("Previous Period", html)
		self.assertIn(review.major_incidents[0].incident, html)
		with assets_served():  # wkhtmltopdf loads the print styles from the site's URL
			pdf = frappe.get_print(REVIEW, review.name, print_format=service_review.PRINT_FORMAT, as_pdf=True)
		self.assertTrue(pdf.startswith(b"%PDF"))

		self.in_language("fr")
		html = frappe.get_print(REVIEW, review.name, print_format=service_review.PRINT_FORMAT)
		body = html.split("<body>", 1)[1]
		self.assertIn("Revue de service", body)
		self.assertIn("Période précédente", body)
		self.assertIn("Incidents majeurs", body)
		self.assertNotIn("Previous Period", body)
		with assets_served():
			pdf = frappe.get_print(REVIEW, review.name, print_format=service_review.PRINT_FORMAT, as_pdf=True)
		self.assertTrue(pdf.startswith(b"%PDF"))


class TestServiceReviewSchedule(ReviewCase):
	def setUp(self):
		super().setUp()
		if not frappe.db.exists("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "_Test ITIL Outgoing",
					"email_id": "itil-outgoing@example.com",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "localhost",
					"no_smtp_authentication": 1,
				}
			).insert()
		self.recipients = [f"review-{random_string(6).lower()}@example.com" for _n in range(2)]
		self.schedule = frappe.get_doc(
			{
				"doctype": "ITIL Service Review Schedule",
				"scope": "Customer",
				"customer_type": self.customer_type,
				"customer": self.customer,
				"recipients": [{"email": e} for e in self.recipients],
			}
		).insert()
		calendar = frappe.db.get_single_value("ITIL Settings", "default_service_calendar")
		self.works = service_review.working_day(calendar)
		self.first = periods.first_working_day(getdate(today()), self.works)

	def reviews(self, start):
		return frappe.get_all(
			REVIEW,
			filters={"customer": self.customer, "period_start": start, "docstatus": 1},
			pluck="name",
		)

	def mails(self, review):
		return frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": REVIEW, "reference_name": review},
			fields=["name", "message"],
		)

	def test_on_the_first_working_day_last_months_review_is_created_and_mailed_once(self):
		start, _end = month(1)
		self.incident(at(start + dt.timedelta(days=1)))
		with assets_served():  # the PDF is rendered as the site's scheduler renders it
			sent = service_review.send_scheduled_reviews(self.first)
		[review] = self.reviews(start)
		self.assertIn(review, sent)
		doc = frappe.get_doc(REVIEW, review)
		self.assertEqual(doc.docstatus, 1)
		self.assertEqual(self.value(self.row(doc, "incidents")), 1)
		[mail] = self.mails(review)
		to = frappe.get_all("Email Queue Recipient", filters={"parent": mail.name}, pluck="recipient")
		self.assertEqual(sorted(to), sorted(self.recipients))
		message = email.message_from_string(mail.message)
		attached = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
		self.assertEqual([p.get_filename() for p in attached], [f"{review}.pdf"])
		self.assertTrue(attached[0].get_payload(decode=True).startswith(b"%PDF"))
		self.schedule.reload()
		self.assertEqual(
			(getdate(self.schedule.last_generated_period), self.schedule.last_review), (start, review)
		)

		# again the same day, the next day: nothing more
		with assets_served():
			self.assertNotIn(review, service_review.send_scheduled_reviews(self.first))
			self.assertEqual(service_review.send_scheduled_reviews(self.first + dt.timedelta(days=1)), [])
		self.assertEqual(self.reviews(start), [review])
		self.assertEqual(len(self.mails(review)), 1)

	def test_a_schedule_that_fails_is_logged_and_stops_no_other(self):
		start, _end = month(1)
		service = make_ci(ci_type="Business Service")
		broken = frappe.get_doc(
			{
				"doctype": "ITIL Service Review Schedule",
				"scope": "Business Service",
				"service": service.name,
				"recipients": [{"email": self.recipients[0]}],
			}
		).insert()
		frappe.db.set_value("ITIL Service Review Schedule", broken.name, "creation", "2001-01-01")  # first
		service.db_set("ci_type", "Application")  # no longer a business service: its review is refused
		with assets_served():
			sent = service_review.send_scheduled_reviews(self.first)
		[review] = self.reviews(start)
		self.assertIn(review, sent)
		self.assertFalse(broken.reload().last_generated_period)
		self.assertEqual(frappe.get_all(REVIEW, filters={"service": service.name}), [])
		self.assertTrue(
			frappe.db.exists(
				"Error Log",
				{"reference_doctype": "ITIL Service Review Schedule", "reference_name": broken.name},
			)
		)

	def test_another_day_nothing_happens(self):
		start, _end = month(1)
		for day in (
			self.first - dt.timedelta(days=1),
			self.first + dt.timedelta(days=1),
			self.first.replace(day=20),
		):
			self.assertFalse(periods.is_first_working_day(day, self.works))
			self.assertEqual(service_review.send_scheduled_reviews(day), [])
		self.assertEqual(self.reviews(start), [])
		self.assertFalse(self.schedule.reload().last_generated_period)

	def test_a_disabled_schedule_sends_nothing_and_bad_recipients_are_refused(self):
		start, _end = month(1)
		self.schedule.db_set("enabled", 0)
		service_review.send_scheduled_reviews(self.first)
		self.assertEqual(self.reviews(start), [])
		self.schedule.append("recipients", {"email": "not an address"})
		with self.assertRaisesRegex(frappe.ValidationError, "not an email address"):
			self.schedule.save()


class TestServiceReviewOfTheHandComputedMonth(hand.TestServiceKPIs):
	"""The service review of the month of the observatory's hand-computed data set (see
	test_service_kpis.py): every figure as computed by hand, a breach caused by the supplier's UC leg, the
	P1 with its duration, and the outage of the server under the business service."""

	def review(self, scope="Whole desk", **kw):
		doc = frappe.get_doc(
			{
				"doctype": REVIEW,
				"scope": scope,
				"period_start": self.month,
				"period_end": self.end - dt.timedelta(days=1),
				**kw,
			}
		).insert()
		doc.submit()
		return doc

	@staticmethod
	def figure(doc, kpi, dimension=None, value=None):
		(row,) = [
			r
			for r in doc.figures
			if r.kpi == kpi and (r.dimension or None) == dimension and (r.dimension_value or None) == value
		]
		return row.value if row.measured else None

	def test_the_whole_desk_review_of_the_month(self):
		doc = self.review()
		expected = {
			"incidents": 6,
			"sla_met": 83.33,
			"mttr_hours": 3.25,
			"first_response_hours": 0.42,
			"first_contact_resolution": 50.0,
			"reopen_rate": 16.67,
			"known_error_workaround": 16.67,
			"major_incidents": 1,
			"major_incident_hours": 4.0,
			"ola_met": 100.0,
			"uc_met": 0.0,
		}
		self.assertEqual({k: self.figure(doc, k) for k in expected}, expected)
		self.assertEqual(
			{
				p: self.figure(doc, "sla_met", "priority", p)
				for p in ("P1 Critical", "P2 High", "P3 Moderate")
			},
			{"P1 Critical": 100.0, "P2 High": 100.0, "P3 Moderate": 75.0},
		)
		self.assertEqual(self.figure(doc, "ola_met", "support_group", self.desk.name), 100.0)
		self.assertEqual(self.figure(doc, "uc_met", "supplier", self.supplier.name), 0.0)
		self.assertEqual(
			(
				self.figure(doc, "tier_resolution", "tier", "1"),
				self.figure(doc, "tier_resolution", "tier", "3"),
			),
			(75.0, 100.0),
		)
		[breach] = doc.breaches
		self.assertEqual(
			(breach.incident, breach.support_group, breach.is_external, breach.agreement_type),
			(self.b.name, self.supplier.name, 1, "UC"),
		)
		self.assertEqual(breach.overrun_hours, 7.5)  # 9.5 h on a 2 h UC
		self.assertEqual([(m.incident, m.hours) for m in doc.major_incidents], [(self.d.name, 4.0)])
		[service] = [a for a in doc.availability if a.service == self.service.name]
		self.assertEqual((service.lost_hours, service.outages, service.target), (4.0, 2, 99.0))

	def test_the_business_service_review_of_the_month(self):
		doc = self.review(scope="Business Service", service=self.service.name)
		self.assertEqual(
			(
				self.figure(doc, "incidents"),
				self.figure(doc, "major_incidents"),
				self.figure(doc, "mttr_hours"),
			),
			(2, 1, 2.25),
		)
		self.assertEqual([a.service for a in doc.availability], [self.service.name])
		self.assertEqual(doc.availability[0].lost_hours, 4.0)
		self.assertEqual(
			self.figure(doc, "availability", "service", self.service.name), doc.availability[0].availability
		)


# the data set's own tests run in test_service_kpis; here only the reviews of its month
for _name in [n for n in dir(hand.TestServiceKPIs) if n.startswith("test_")]:
	setattr(TestServiceReviewOfTheHandComputedMonth, _name, None)
