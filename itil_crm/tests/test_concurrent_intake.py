"""One ticket, one incident, also when two requests raise it at the same moment (issue 7).

Two threads, each with its own site connection, call the bridge on the same committed ticket at
once. This test commits (the threads must see the ticket) and removes what it made."""

import threading

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.ticket_bridge import intake


def raise_in_thread(site, sites_path, doctype, name, barrier, results):
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		barrier.wait(timeout=30)
		results.append(intake.incident_for(doctype, name))
		frappe.db.commit()
	except Exception as e:
		results.append(e)
		frappe.db.rollback()
	finally:
		frappe.destroy()


class TestConcurrentIntake(FrappeTestCase):
	def test_two_concurrent_requests_make_one_incident(self):
		if "erpnext" not in frappe.get_installed_apps():
			self.skipTest("needs ERPNext Issues")
		email = f"race-{random_string(8).lower()}@example.com"
		issue = frappe.get_doc(
			{"doctype": "Issue", "subject": f"_Test race {random_string(6)}", "raised_by": email}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		made = [("Issue", issue.name)]
		try:
			barrier, results = threading.Barrier(2), []
			args = (frappe.local.site, frappe.local.sites_path, "Issue", issue.name, barrier, results)
			threads = [threading.Thread(target=raise_in_thread, args=args) for _ in range(2)]
			for t in threads:
				t.start()
			for t in threads:
				t.join(timeout=60)
			incidents = frappe.get_all(
				"ITIL Incident", filters={"source_type": "Issue", "source_name": issue.name}, pluck="name"
			)
			made += [("ITIL Incident", n) for n in incidents]
			self.assertEqual(len(incidents), 1, results)
			self.assertEqual(results, [incidents[0], incidents[0]])
			self.assertEqual(frappe.db.get_value("Issue", issue.name, "itil_incident"), incidents[0])
		finally:
			frappe.db.rollback()
			frappe.db.set_value("Issue", issue.name, "itil_incident", None, update_modified=False)
			made += [
				("Contact", c) for c in frappe.get_all("Contact Email", {"email_id": email}, pluck="parent")
			]
			for doctype, name in reversed(made):
				if frappe.db.exists(doctype, name):
					frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
			frappe.db.commit()
