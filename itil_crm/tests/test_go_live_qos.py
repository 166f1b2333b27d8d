"""A go-live's QoS objectives (issue 24): exit criteria judged on its warranty period with the service
review's computations."""

import datetime as dt

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import getdate, today

from itil_crm.continual_improvement import kpis
from itil_crm.service_level import site_time
from itil_crm.tests.utils import TEST_IGNORE, make_ci, make_incident, move

test_ignore = TEST_IGNORE


def at(day: dt.date, hour: int) -> dt.datetime:
	return dt.datetime.combine(day, dt.time(hour), tzinfo=site_time.system_zone())


class TestGoLiveQoS(FrappeTestCase):
	def setUp(self):
		# a Monday two to three weeks ago: the warranty (30 days) still runs
		self.monday = getdate(today()) - dt.timedelta(days=14)
		self.monday -= dt.timedelta(days=self.monday.weekday())
		self.server = make_ci(ci_type="Server")
		self.service = make_ci(
			ci_type="Business Service",
			relationships=[{"relationship_type": "Depends On", "target_ci": self.server.name}],
		)

	def go_live(self, **objectives):
		doc = frappe.get_doc(
			{
				"doctype": "ITIL Go-Live",
				"title": "_Test go-live with QoS objectives",
				"go_live_date": self.monday,
				"warranty_days": 30,
				"affected_cis": [{"configuration_item": self.service.name}],
				**objectives,
			}
		).insert()
		return move(doc, "In Warranty")

	def incident(self, opened: dt.datetime, resolved: dt.datetime, ci: str, **kw):
		with site_time.frozen(opened):
			doc = make_incident(configuration_item=ci, opened_on=opened.replace(tzinfo=None), **kw)
		with site_time.frozen(resolved):
			doc.reload()
			doc.update({"status": "Resolved", "resolution_code": "Permanent Fix"})
			doc.save()
		return doc.reload()

	# warranty incidents keep their own impact here (a site may raise it: they would be outages too)
	@change_settings("ITIL Settings", warranty_impact=None)
	def test_the_objectives_are_judged_on_the_warranty_period_like_the_service_review(self):
		go_live = self.go_live()
		tuesday, wednesday, thursday = (self.monday + dt.timedelta(days=d) for d in (1, 2, 3))
		quick = self.incident(at(tuesday, 10), at(tuesday, 11), self.service.name)
		slow = self.incident(at(wednesday, 10), at(wednesday, 10) + dt.timedelta(days=7), self.service.name)
		# the server under the service goes down for two hours: not a warranty incident (the server is
		# not covered), but the service is out
		outage = self.incident(
			at(thursday, 10), at(thursday, 12), self.server.name, impact="High", urgency="High"
		)
		self.assertEqual(quick.warranty_go_live, go_live.name)
		self.assertEqual(slow.warranty_go_live, go_live.name)
		self.assertFalse(outage.warranty_go_live)
		self.assertEqual((quick.sla_status, slow.sla_status), ("Met", "Missed"))
		self.assertGreater(frappe.db.get_value("ITIL Priority", quick.priority, "rank"), 2)  # no outage
		self.assertEqual(frappe.db.get_value("ITIL Priority", outage.priority, "rank"), 1)

		go_live.reload()
		go_live.update(
			{
				"qos_sla_met": 95,
				"qos_availability": 99.999,
				"qos_limit_major_incidents": 1,
				"qos_max_major_incidents": 0,
				"qos_mttr_hours": 1000,
			}
		)
		go_live.save()
		lines = {line[2:].split(":")[0]: line[0] for line in go_live.exit_status.splitlines()}
		self.assertEqual(lines["QoS objective SLA Met"], "✘")  # one of two met: 50 %
		self.assertEqual(lines["QoS objective Availability"], "✘")  # two hours lost
		self.assertEqual(lines["QoS objective Major Incidents"], "✔")  # the P1 was not on the go-live's scope
		self.assertEqual(lines["QoS objective MTTR (Service Hours)"], "✔")
		self.assertFalse(go_live.exit_criteria_met)
		self.assertIn("50 %", go_live.exit_status)

		# the same figures as the service review's: the availability of the covered service
		end = getdate(today()) + dt.timedelta(days=1)
		(row,) = kpis.availability(self.monday, end, [self.service.name])
		self.assertEqual(row["lost_hours"], 2.0)
		self.assertIn(f"{row['availability']:g} %", go_live.exit_status)

		# objectives within reach: the criteria hold
		go_live.update({"qos_sla_met": 50, "qos_availability": 90})
		go_live.save()
		self.assertNotIn("✘ QoS", go_live.exit_status)

	def test_the_final_review_prints_the_objectives(self):
		go_live = self.go_live(qos_sla_met=90, qos_limit_major_incidents=1)
		html = frappe.get_print("ITIL Go-Live", go_live.name, "ITIL Go-Live Final Review")
		self.assertIn("QoS objective SLA Met: nothing to measure yet (objective 90 %)", html)
		self.assertIn("QoS objective Major Incidents: 0 (objective at most 0)", html)

	def test_a_go_live_without_objectives_has_no_qos_criterion(self):
		go_live = self.go_live()
		self.assertNotIn("QoS", go_live.exit_status)
