"""The observatory's figures (issue 24) against values computed by hand on a small data set.

Six incidents, made through the app (documents, frozen clocks), in a month of the past that no other
incident uses, on the calendar of the service-level tests (Monday to Friday, 09:00-12:30 and 13:30-18:00
Paris: 8 service hours a day) with an SLA of 8 h resolution for every priority; a level-1 desk under an
OLA of 4 h and an external supplier (level 3) under a UC of 2 h; a server on which a business service
depends. Times are Paris times of the first full week (Monday to Friday) of that month:

  A  P3, desk; reply Mon 10:45, resolved Mon 12:00     resolution 2 h, response 0.75 h, SLA Met, FCR
  B  P3, desk, handed to the supplier Tue 09:30; reply Tue 09:15; resolved by the supplier Wed 11:00:
     resolution Tue 8 h + Wed 2 h = 10 h > 8 h: SLA Missed, caused by the supplier's UC leg (9.5 h > 2 h)
  C  P3, desk; reply Wed 14:30; resolved Wed 15:00 by a known error's workaround: 1 h, Met, FCR
  D  P1 on the server, desk; reply Thu 10:15; resolved Thu 14:00: 10:00-12:30 + 13:30-14:00 = 3 h, Met,
     FCR; a major incident of 4 wall-clock hours; an outage of the business service 10:00-14:00
  E  P3, no group; reply Fri 09:30; resolved Fri 10:00, reopened Fri 11:00, resolved again Fri 12:00:
     resolution 1 h + 1 h = 2 h, Met, reopened, not FCR (no level-1 group)
  F  P2 on the server, no group; opened Thu 13:00, reply Thu 13:45; resolved Thu 15:00: 13:30-15:00 = 1.5 h,
     Met; an outage 13:00-15:00 overlapping D's

Figures of the month (6 incidents opened and resolved in it):
  incidents 6; SLA met 5/6 = 83.33 %; per priority P3 3/4 = 75 %, P1 1/1 = 100 %, P2 1/1 = 100 %
  MTTR (2 + 10 + 1 + 3 + 2 + 1.5) / 6 = 19.5 / 6 = 3.25 h; first response (0.75 + 0.25 + 0.5 + 0.25 +
  0.5 + 0.25) / 6 = 2.5 / 6 = 0.42 h; FCR A, C, D = 3/6 = 50 %; reopen 1/6 = 16.67 %; workaround 1/6 =
  16.67 %; major incidents 1, 4 h; OLA legs A, B, C, D (desk, all within 4 h) 4/4 = 100 %; UC legs B 0/1
  = 0 %; tiers: level 1 reached by A, B, C, D, resolved there by A, C, D (3/4 = 75 %), level 3 reached
  and resolved by B (1/1 = 100 %): 4/5 = 80 % overall.
  Availability of the business service: D and F overlap, their union Thu 10:00-15:00 is 2.5 + 1.5 = 4
  service hours lost out of 8 h x the month's weekdays.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import getdate, random_string, today

from itil_crm.continual_improvement import kpis, rollups
from itil_crm.engines import service_kpis as sk
from itil_crm.service_level import site_time
from itil_crm.tests.test_service_level import ServiceLevelCase, make_agreement, make_group
from itil_crm.tests.utils import TEST_IGNORE, legs_of, make_ci, make_incident, make_known_error, move

test_ignore = TEST_IGNORE
PARIS = ZoneInfo("Europe/Paris")


def free_month() -> dt.date:
	"""A month about two years back that no incident, leg or rollup uses."""
	i = frappe.qb.DocType("ITIL Incident")
	month = sk.month_start(getdate(today()), -24)
	for _ in range(60):
		end = sk.month_start(month, 1)
		used = frappe.db.count("ITIL Incident", {"opened_on": ("between", [month, end])}) or frappe.db.count(
			"ITIL Incident", {"resolved_on": ("between", [month, end])}
		)
		if not used and not frappe.db.count(rollups.ROLLUP, {"month": month}):
			return month
		month = sk.month_start(month, -1)
	raise AssertionError(f"no free month before {i}")


def first_monday(month: dt.date) -> dt.date:
	day = month + dt.timedelta(days=1)  # never the 1st: nothing spills into the month before
	while day.weekday() != 0:
		day += dt.timedelta(days=1)
	return day


class TestServiceKPIs(ServiceLevelCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.month = free_month()
		cls.end = sk.month_start(cls.month, 1)
		cls.monday = first_monday(cls.month)
		tag = random_string(5)
		cls.desk = make_group(f"_Test KPI Desk {tag}", 1)
		cls.supplier = make_group(f"_Test KPI Hosting {tag}", 3, external=True)
		ola = make_agreement(f"_Test KPI OLA {tag}", "OLA", response=1, resolution=4, group=cls.desk.name)
		uc = make_agreement(f"_Test KPI UC {tag}", "UC", response=1, resolution=2, group=cls.supplier.name)
		cls.desk.db_set("service_agreement", ola.name)
		cls.supplier.db_set("service_agreement", uc.name)
		cls.server = make_ci(f"_Test KPI server {tag}", ci_type="Server")
		service = frappe.get_doc(
			{
				"doctype": "ITIL Configuration Item",
				"ci_name": f"_Test KPI service {tag}",
				"ci_type": "Business Service",
				"environment": "Production",
				"criticality": "Medium",
				"support_group": cls.desk.name,  # its service hours: the desk's OLA calendar
				"availability_target": 99,
				"relationships": [{"relationship_type": "Depends On", "target_ci": cls.server.name}],
			}
		)
		cls.service = service.insert()
		cls.known_error = make_known_error()
		cls.make_data_set()

	@classmethod
	def at(cls, weekday: int, hour: int, minute: int = 0) -> dt.datetime:
		"""A Paris time of the test week (0 = Monday), as an aware UTC time for the frozen clock."""
		local = dt.datetime.combine(cls.monday + dt.timedelta(days=weekday), dt.time(hour, minute), PARIS)
		return local.astimezone(dt.timezone.utc)

	@classmethod
	def reply(cls, incident, when):
		with site_time.frozen(when):
			frappe.get_doc(
				{
					"doctype": "Communication",
					"communication_type": "Communication",
					"communication_medium": "Email",
					"sent_or_received": "Sent",
					"subject": "Re: " + incident.subject,
					"content": "We are on it",
					"recipients": "kpi-caller@example.com",
					"reference_doctype": "ITIL Incident",
					"reference_name": incident.name,
				}
			).insert(ignore_permissions=True)
		return incident.reload()

	@classmethod
	def open(cls, when, **kw):
		with site_time.frozen(when):
			return make_incident(caller_email="kpi-caller@example.com", **kw)

	@classmethod
	def resolve(cls, incident, when, **values):
		with site_time.frozen(when):
			incident.reload()
			move(incident, "Resolved", Resolved={"resolution_code": "Permanent Fix", **values})
		return incident.reload()

	@classmethod
	def make_data_set(cls):
		at, desk = cls.at, cls.desk.name
		a = cls.open(at(0, 10), support_group=desk)
		cls.reply(a, at(0, 10, 45))
		cls.a = cls.resolve(a, at(0, 12))

		b = cls.open(at(1, 9), support_group=desk)
		cls.reply(b, at(1, 9, 15))
		with site_time.frozen(at(1, 9, 30)):
			b.reload()
			b.support_group = cls.supplier.name
			b.save()
		cls.b = cls.resolve(b, at(2, 11))

		c = cls.open(at(2, 14), support_group=desk)
		cls.reply(c, at(2, 14, 30))
		cls.c = cls.resolve(
			c, at(2, 15), resolution_code="Workaround Applied", known_error=cls.known_error.name
		)

		d = cls.open(
			at(3, 10), support_group=desk, impact="High", urgency="High", configuration_item=cls.server.name
		)
		cls.reply(d, at(3, 10, 15))
		cls.d = cls.resolve(d, at(3, 14))

		e = cls.open(at(4, 9))
		cls.reply(e, at(4, 9, 30))
		cls.resolve(e, at(4, 10))
		with site_time.frozen(at(4, 11)):
			e.reload()
			move(e, "In Progress")
		cls.e = cls.resolve(e, at(4, 12))

		f = cls.open(at(3, 13), impact="High", urgency="Medium", configuration_item=cls.server.name)
		cls.reply(f, at(3, 13, 45))
		cls.f = cls.resolve(f, at(3, 15))
		cls.incidents = [cls.a, cls.b, cls.c, cls.d, cls.e, cls.f]

	def test_the_data_set_is_what_the_hand_computation_assumes(self):
		hours = [round(i.resolution_elapsed / 3600, 2) for i in self.incidents]
		self.assertEqual(hours, [2, 10, 1, 3, 2, 1.5])
		self.assertEqual(
			[round(i.response_elapsed / 3600, 2) for i in self.incidents], [0.75, 0.25, 0.5, 0.25, 0.5, 0.25]
		)
		self.assertEqual(
			[i.sla_status for i in self.incidents], ["Met", "Missed", "Met", "Met", "Met", "Met"]
		)
		self.assertEqual(
			[i.priority for i in self.incidents],
			["P3 Moderate", "P3 Moderate", "P3 Moderate", "P1 Critical", "P3 Moderate", "P2 High"],
		)
		self.assertEqual([len(legs_of(i.name)) for i in self.incidents], [1, 2, 1, 1, 0, 0])
		_desk_leg, supplier_leg = legs_of(self.b.name)
		self.assertEqual(
			(supplier_leg.agreement_type, supplier_leg.breached, supplier_leg.caused_sla_breach), ("UC", 1, 1)
		)

	def assert_month_figures(self, figures: dict):
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
			"tier_resolution": 80.0,
		}
		self.assertEqual({k: figures[k] for k in expected}, expected)

	def test_figures_from_rollups_equal_the_hand_computed_ones_and_refresh_is_idempotent(self):
		rollups.refresh(months=[self.month])
		fields = ["name", *rollups.KEYS, *sk.COUNTERS]
		first = frappe.get_all(rollups.ROLLUP, filters={"month": self.month}, fields=fields, order_by="name")
		self.assertTrue(first)
		rollups.refresh(months=[self.month])
		again = frappe.get_all(rollups.ROLLUP, filters={"month": self.month}, fields=fields, order_by="name")
		self.assertEqual(first, again)
		self.assert_month_figures(kpis.figures(self.month, self.end))
		# the same aggregate over the raw incidents (the path of a service's figures) gives the same
		direct = rollups.counters_query(self.month, self.end, ["priority"]).run(as_dict=True)
		p1 = kpis.priorities_by_rank(1)
		summed = sk.add_counters(*direct)
		summed.update(
			p1_opened=sum(r.opened for r in direct if r.priority in p1),
			p1_resolved=sum(r.resolved for r in direct if r.priority in p1),
			p1_wall_seconds=sum(r.wall_seconds for r in direct if r.priority in p1),
		)
		self.assert_month_figures(sk.figures_from_counters(summed))

	def test_figures_by_priority_group_supplier_and_tier(self):
		rollups.refresh(months=[self.month])
		by_priority = kpis.figures_by("priority", self.month, self.end)
		self.assertEqual(
			{p: by_priority[p]["sla_met"] for p in ("P1 Critical", "P2 High", "P3 Moderate")},
			{"P1 Critical": 100.0, "P2 High": 100.0, "P3 Moderate": 75.0},
		)
		by_group = kpis.figures_by("support_group", self.month, self.end)
		self.assertEqual(
			(by_group[self.desk.name]["ola_met"], by_group[self.desk.name]["uc_met"]), (100.0, None)
		)
		by_supplier = kpis.figures_by("supplier", self.month, self.end)
		self.assertEqual(list(by_supplier), [self.supplier.name])
		self.assertEqual(by_supplier[self.supplier.name]["uc_met"], 0.0)
		by_tier = kpis.figures_by("tier", self.month, self.end)
		self.assertEqual((by_tier["1"]["tier_resolution"], by_tier["3"]["tier_resolution"]), (75.0, 100.0))
		trend = dict(kpis.trend("sla_met", 3, end=self.end))
		self.assertEqual(trend[self.month], 83.33)
		rows = kpis.benchmark("priority", self.month, self.end, ["sla_met"])
		self.assertEqual([(r["value"], r["sla_met_rank"]) for r in rows][-1], ("P3 Moderate", 3))
		self.assertEqual(rows[0]["sla_met_target"], kpis.targets()["sla_met"])

	def test_breach_caused_by_the_supplier_leg(self):
		found = kpis.breaches(self.month, self.end)
		self.assertEqual([r.incident for r in found], [self.b.name])
		row = found[0]
		self.assertEqual(
			(row.support_group, row.is_external, row.agreement_type), (self.supplier.name, 1, "UC")
		)
		self.assertEqual(row.overrun_seconds, 7.5 * 3600)  # 9.5 h on a 2 h UC

	def test_major_incident_with_its_duration(self):
		found = kpis.major_incidents(self.month, self.end)
		self.assertEqual([(r.incident, r.hours) for r in found], [(self.d.name, 4.0)])

	def test_outage_of_the_server_under_the_business_service(self):
		weekdays = sum(
			1
			for n in range((self.end - self.month).days)
			if (self.month + dt.timedelta(days=n)).weekday() < 5
		)
		(row,) = kpis.availability(self.month, self.end, [self.service.name])
		self.assertEqual((row["service_hours"], row["lost_hours"]), (8.0 * weekdays, 4.0))
		self.assertEqual(row["availability"], round(100 * (8 * weekdays - 4) / (8 * weekdays), 3))
		self.assertEqual((row["target"], row["met"]), (99.0, row["availability"] >= 99))
		self.assertEqual({o[0] for o in row["outages"]}, {self.d.name, self.f.name})
		trend = kpis.trend("availability", 2, kpis.Scope(service=self.service.name), end=self.end)
		self.assertEqual(trend, [(sk.month_start(self.month, -1), 100.0), (self.month, row["availability"])])
		# the service's own figures: the incidents on it or on what it depends on (D and F), from the
		# rollup rows per configuration item, the same as from the incidents themselves
		rollups.refresh(months=[self.month])
		scope = kpis.Scope(service=self.service.name)
		figures = kpis.figures(self.month, self.end, scope)
		cis = kpis.service_cis(self.service.name)
		self.assertEqual(set(cis), {self.service.name, self.server.name})
		direct = rollups.counters_query(
			self.month, self.end, ["priority"], lambda i: i.configuration_item.isin(cis)
		).run(as_dict=True)
		from_incidents = sk.figures_from_counters(
			{
				**sk.add_counters(*direct),
				"p1_opened": sum(r.opened for r in direct if r.priority == "P1 Critical"),
				"p1_resolved": sum(r.resolved for r in direct if r.priority == "P1 Critical"),
				"p1_wall_seconds": sum(r.wall_seconds for r in direct if r.priority == "P1 Critical"),
			}
		)
		self.assertEqual({k: figures[k] for k in from_incidents}, from_incidents)
		by_group = kpis.figures_by("support_group", self.month, self.end, scope)  # from the incidents
		self.assertEqual({g: f["incidents"] for g, f in by_group.items()}, {self.desk.name: 1, "": 1})
		self.assertEqual(
			(figures["incidents"], figures["major_incidents"], figures["mttr_hours"]), (2, 1, 2.25)
		)

	def test_the_hourly_refresh_finds_the_months_touched_since_its_watermark(self):
		since = dt.datetime.combine(self.month, dt.time())
		self.assertIn(self.month, rollups.touched_months(since))
		i = frappe.qb.DocType("ITIL Incident")
		latest = (
			frappe.qb.from_(i).select(i.modified).orderby(i.modified, order=frappe.qb.desc).limit(1).run()
		)
		after_everything = latest[0][0] + dt.timedelta(seconds=1)
		self.assertNotIn(self.month, rollups.touched_months(after_everything))

	def test_outages_overlapping_the_period_from_before_or_beyond_are_found_and_clipped(self):
		cis = kpis.service_cis(self.service.name)

		def found(start, end):
			naive = site_time.naive
			return {o["incident"]: (o["from"], o["to"]) for o in kpis.outages(naive(start), naive(end), cis)}

		at, naive = self.at, site_time.naive
		# Thursday 11:00-14:30: D opened before and resolved within, F opened within and resolved after
		self.assertEqual(
			found(at(3, 11), at(3, 14, 30)),
			{
				self.d.name: (naive(at(3, 11)), naive(at(3, 14))),
				self.f.name: (naive(at(3, 13)), naive(at(3, 14, 30))),
			},
		)
		# Thursday 11:00-11:30: D opened before and resolved after the period
		self.assertEqual(
			found(at(3, 11), at(3, 11, 30)), {self.d.name: (naive(at(3, 11)), naive(at(3, 11, 30)))}
		)
		self.assertEqual(found(at(4, 9), at(4, 18)), {})  # Friday: no outage
