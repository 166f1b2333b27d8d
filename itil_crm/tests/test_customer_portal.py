"""The customer portal: a customer's contact sees their customer's incidents and nothing else, on the
portal and through every API path; reports incidents and replies with fields computed on the server.

Runs on every site: with ERPNext or Helpdesk, customers come from their Customer / HD Customer; on a
frappe-only site there is no customer doctype and the rule is "the incidents you reported"."""

import frappe
from frappe.desk.reportview import get as reportview_get
from frappe.desk.search import search_link
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string, set_request
from frappe.website.serve import get_response

from itil_crm.customer_portal import access
from itil_crm.customer_portal import incidents as portal
from itil_crm.incident_management.history import for_form as history_for_form
from itil_crm.tests.utils import make_ci, make_incident, user_with_roles


def count_over_api(*args, **kw):
	"""/api/method/frappe.client.get_count, as the request handler resolves it (with overrides)."""
	method = frappe.get_hooks("override_whitelisted_methods", {}).get("frappe.client.get_count", [None])[-1]
	return frappe.get_attr(method or "frappe.client.get_count")(*args, **kw)


INTERNAL = ["support_group", "priority_reason", "service_agreement", "possible_duplicates"]


def customer_doctype() -> tuple[str, str] | None:
	if frappe.db.exists("DocType", "Customer"):
		return "Customer", "customer_name"
	if frappe.db.exists("DocType", "HD Customer"):
		return "HD Customer", "customer_name"
	return None


def make_customer(label: str) -> tuple[str, str]:
	doctype, field = customer_doctype()
	doc = frappe.get_doc({"doctype": doctype, field: f"_Test Portal {label} {random_string(5)}"}).insert(
		ignore_permissions=True
	)
	return doctype, doc.name


def portal_user(customer: tuple[str, str] | None = None, role: bool = True) -> tuple[str, str]:
	"""A website user and their Contact (linked to the customer)."""
	user = user_with_roles(
		*([access.PORTAL_ROLE] if role else []), prefix="itil-portal", user_type="Website User"
	)
	email = frappe.db.get_value("User", user, "email")
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Portal",
			"last_name": random_string(4),
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": customer[0], "link_name": customer[1]}] if customer else [],
		}
	).insert(ignore_permissions=True)
	return user, contact.name


class PortalCase(FrappeTestCase):
	def incident_of(self, customer=None, caller=None, **kw):
		values = {}
		if customer:
			values.update(customer_type=customer[0], customer=customer[1])
		if caller:
			values["caller"] = caller
		return make_incident(**values, **kw)

	def page(self, user: str, path: str):
		with self.set_user(user):
			set_request(method="GET", path=path)
			return get_response()


class TestCallerScope(PortalCase):
	"""On every site: a portal user without a customer sees the incidents they reported, only."""

	def test_a_portal_user_without_customer_sees_only_their_own_incidents(self):
		user, contact = portal_user()
		mine = self.incident_of(caller=contact)
		someone_else = self.incident_of()
		with self.set_user(user):
			names = set(frappe.get_list("ITIL Incident", pluck="name", limit_page_length=0))
			self.assertEqual(names, {mine.name})
			self.assertTrue(frappe.has_permission("ITIL Incident", "read", doc=mine.name))
			self.assertFalse(frappe.has_permission("ITIL Incident", "read", doc=someone_else.name))
			self.assertRaises(frappe.PermissionError, frappe.client.get, "ITIL Incident", someone_else.name)
			self.assertEqual(frappe.call(count_over_api, "ITIL Incident"), 1)
			self.assertEqual(frappe.call(count_over_api, "ITIL Incident", {"name": someone_else.name}), 0)
			self.assertFalse(frappe.client.get_value("ITIL Incident", "subject", someone_else.name))
			# internal fields of their own incident stay out of every answer
			internal = frappe.client.get_value(
				"ITIL Incident", ["support_group", "service_agreement"], mine.name
			)
			self.assertTrue(frappe.db.get_value("ITIL Incident", mine.name, "service_agreement"))
			self.assertFalse(internal.get("support_group") or internal.get("service_agreement"), internal)

	def test_a_portal_user_with_no_contact_sees_nothing_and_gets_a_contact_when_reporting(self):
		user, contact = portal_user()
		frappe.delete_doc("Contact", contact, ignore_permissions=True, force=True)
		self.incident_of()
		with self.set_user(user):
			self.assertEqual(frappe.get_list("ITIL Incident", pluck="name"), [])
			name = portal.report_incident("Printer on fire", "Smoke since 9:00")
		doc = frappe.get_doc("ITIL Incident", name)
		self.assertEqual(frappe.db.get_value("Contact", doc.caller, "user"), user)
		self.assertFalse(doc.customer)
		with self.set_user(user):
			self.assertEqual(frappe.get_list("ITIL Incident", pluck="name"), [name])

	def test_reporting_computes_every_field_and_ignores_what_the_form_should_not_set(self):
		user, contact = portal_user()
		service = make_ci(ci_type="Business Service", published_on_portal=1)
		hidden = make_ci()
		with self.set_user(user):
			name = frappe.call(
				portal.report_incident,
				subject="  Mail is down  ",
				description="<script>alert(1)</script>\nsince 8:00",
				service=service.name,
				priority="P1 - Critical",
				priority_override="P1 - Critical",
				support_group="whatever",
			)
			self.assertRaises(
				frappe.ValidationError, portal.report_incident, "Other", "Text", service=hidden.name
			)
			self.assertRaises(frappe.ValidationError, portal.report_incident, "", "Text")
			self.assertRaises(frappe.ValidationError, portal.report_incident, "x" * 141, "Text")
			self.assertRaises(frappe.ValidationError, portal.report_incident, "Subject", "   ")
			self.assertRaises(
				frappe.ValidationError, portal.report_incident, "Subject", "Text", customer="X::Y"
			)
		doc = frappe.get_doc("ITIL Incident", name)
		self.assertEqual(
			(doc.subject, doc.caller, doc.configuration_item), ("Mail is down", contact, service.name)
		)
		self.assertEqual(doc.channel, "Portal" if frappe.db.exists("ITIL Channel", "Portal") else None)
		self.assertFalse(doc.priority_override)
		self.assertNotIn("<script>", doc.description)
		self.assertEqual(
			frappe.db.count("ITIL Incident", {"caller": contact}), 1
		)  # refused ones left nothing

	def test_a_user_without_the_portal_role_cannot_report(self):
		user, _contact = portal_user(role=False)
		with self.set_user(user):
			self.assertRaises(frappe.PermissionError, portal.report_incident, "Subject", "Text")
		with self.set_user("Guest"):
			self.assertRaises(frappe.PermissionError, portal.report_incident, "Subject", "Text")

	def test_a_desk_role_lifts_the_portal_restriction(self):
		user, _contact = portal_user()
		self.assertTrue(access.restricted(user))
		frappe.get_doc("User", user).add_roles("ITIL Service Desk Agent")
		self.assertFalse(access.restricted(user))
		self.assertFalse(access.restricted(user_with_roles("ITIL Support Engineer")))

	def test_internal_fields_and_attachments_stay_internal(self):
		user, contact = portal_user()
		mine = self.incident_of(caller=contact)
		agents_log = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"agent-{random_string(5)}.txt",
				"content": b"internal",
				"attached_to_doctype": "ITIL Incident",
				"attached_to_name": mine.name,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
		frappe.get_doc("ITIL Incident", mine.name).add_comment("Comment", "internal: the DBA broke it")
		with self.set_user(user):
			seen = frappe.client.get("ITIL Incident", mine.name)
			for field in INTERNAL:
				self.assertFalse(seen.get(field), field)
			self.assertEqual(seen["subject"], mine.subject)
			self.assertFalse(frappe.has_permission("File", "read", doc=agents_log, user=user))
			view = portal.incident_view(portal.readable(mine.name))
			self.assertNotIn("DBA", frappe.as_json(view))
			self.assertEqual(view["attachments"], [])
			# the child table, listed through its parent doctype, shows nothing either
			rows = frappe.client.get_list(
				"ITIL Affected CI", parent="ITIL Incident", fields=["*"], limit_page_length=0
			)
			self.assertEqual(rows, [])
			# the incident's history (its own doctypes) is not theirs to read at all, nor on the form
			for history in ("ITIL SLA Event", "ITIL Incident Leg", "ITIL Escalation"):
				self.assertRaises(frappe.PermissionError, frappe.client.get_list, history, fields=["*"])
			self.assertEqual(history_for_form(mine.name), {})
		# while an agent reads it
		agent = user_with_roles("ITIL Service Desk Agent")
		with self.set_user(agent):
			self.assertTrue(frappe.client.get_list("ITIL SLA Event", filters={"incident": mine.name}))
			self.assertEqual(
				[e.event_type for e in history_for_form(mine.name)["events"]["rows"]][:1], ["opened"]
			)

	def test_reply_reopens_a_resolved_incident_and_a_closed_one_refuses(self):
		user, contact = portal_user()
		mine = self.incident_of(caller=contact)
		mine.reload()
		mine.update({"status": "Resolved", "resolution_code": "Permanent Fix", "resolution_notes": "Fixed"})
		mine.save()
		with self.set_user(user):
			portal.add_reply(mine.name, "Still broken")
		mine.reload()
		self.assertEqual(mine.status, "In Progress")
		with self.set_user(user):
			replies = portal.incident_view(portal.readable(mine.name))["replies"]
		self.assertEqual([r["from_customer"] for r in replies], [True])
		self.assertIn("Still broken", replies[0]["content"])

		mine.update({"status": "Cancelled", "resolution_code": "Cancelled by Caller"})
		mine.save()
		with self.set_user(user):
			self.assertRaises(frappe.ValidationError, portal.add_reply, mine.name, "Hello?")
			self.assertRaises(frappe.ValidationError, portal.add_reply, mine.name, "   ")

	def test_only_messages_with_the_customer_are_public(self):
		user, contact = portal_user()
		mine = self.incident_of(caller=contact, caller_email=frappe.db.get_value("User", user, "email"))
		for sent, peer, text in (
			("Sent", frappe.db.get_value("User", user, "email"), "We are looking into it"),
			("Sent", "supplier@example.org", "Supplier: please patch"),
			("Received", "engineer@example.org", "Engineer note"),
		):
			frappe.get_doc(
				{
					"doctype": "Communication",
					"communication_type": "Communication",
					"communication_medium": "Email",
					"sent_or_received": sent,
					"sender": peer if sent == "Received" else "desk@example.org",
					"recipients": peer if sent == "Sent" else None,
					"subject": "x",
					"content": text,
					"reference_doctype": "ITIL Incident",
					"reference_name": mine.name,
				}
			).insert(ignore_permissions=True)
		with self.set_user(user):
			contents = [r["content"] for r in portal.incident_view(portal.readable(mine.name))["replies"]]
		self.assertEqual(contents, ["We are looking into it"])

	def test_pages_render_for_the_customer_and_refuse_others(self):
		user, contact = portal_user()
		mine = self.incident_of(caller=contact, subject=f"_Test <b>mine</b> {random_string(4)}")
		theirs = self.incident_of()
		listing = self.page(user, "/incidents")
		self.assertEqual(listing.status_code, 200)
		html = listing.get_data(as_text=True)
		self.assertIn(mine.name, html)
		self.assertNotIn(theirs.name, html)
		self.assertNotIn("<b>mine</b>", html)  # the subject is text, not markup
		self.assertEqual(self.page(user, f"/incidents/{mine.name}").status_code, 200)
		self.assertEqual(self.page(user, f"/incidents/{theirs.name}").status_code, 403)
		self.assertEqual(self.page(user, "/incidents/INC-NOPE-404").status_code, 403)
		self.assertEqual(self.page(user, "/incidents/new").status_code, 200)
		guest = self.page("Guest", "/incidents")
		self.assertIn(guest.status_code, (301, 302, 303))
		self.assertIn("/login", guest.headers["Location"])
		no_role, _c = portal_user(role=False)
		self.assertEqual(self.page(no_role, "/incidents").status_code, 403)


class TestCustomerScope(PortalCase):
	"""With ERPNext or Helpdesk: a customer's contacts see all of that customer's incidents."""

	def setUp(self):
		if not customer_doctype():
			self.skipTest("no customer doctype on this site (frappe only)")

	def test_each_customer_sees_its_own_incidents_on_every_path(self):
		a, b = make_customer("A"), make_customer("B")
		user_a, _ca = portal_user(a)
		_user_b, contact_b = portal_user(b)
		_colleague, colleague_a = portal_user(a)
		of_a = [self.incident_of(a), self.incident_of(a, caller=colleague_a)]
		of_b = [self.incident_of(b, caller=contact_b)]
		a_names, b_names = {d.name for d in of_a}, {d.name for d in of_b}
		with self.set_user(user_a):
			self.assertEqual(
				set(frappe.get_list("ITIL Incident", pluck="name", limit_page_length=0)), a_names
			)
			listed = frappe.client.get_list("ITIL Incident", fields=["name"], limit_page_length=0)
			self.assertEqual({r.name for r in listed}, a_names)
			self.assertEqual(frappe.call(count_over_api, "ITIL Incident"), len(a_names))
			frappe.local.form_dict = frappe._dict(
				doctype="ITIL Incident", fields=frappe.as_json(["`tabITIL Incident`.`name`"]), page_length=0
			)
			report = reportview_get()
			self.assertEqual({row[0] for row in report["values"]}, a_names)
			found = {r["value"] for r in search_link("ITIL Incident", "_Test", page_length=1000) or []}
			self.assertTrue(found <= a_names and not (found & b_names), found)
			for name in b_names:
				self.assertRaises(frappe.PermissionError, frappe.client.get, "ITIL Incident", name)
				self.assertFalse(frappe.has_permission("ITIL Incident", "read", doc=name))
				self.assertRaises(frappe.PermissionError, portal.add_reply, name, "Hi")
			# no write, no create, no delete through the API
			self.assertRaises(
				frappe.PermissionError, frappe.client.set_value, "ITIL Incident", of_a[0].name, "subject", "x"
			)
			self.assertRaises(
				frappe.PermissionError, frappe.client.insert, {"doctype": "ITIL Incident", "subject": "x"}
			)
			self.assertRaises(frappe.PermissionError, frappe.client.delete, "ITIL Incident", of_a[0].name)

	def test_a_contact_of_two_customers_chooses_and_may_not_pick_another(self):
		a, b, c = make_customer("A"), make_customer("B"), make_customer("C")
		user, contact = portal_user(a)
		doc = frappe.get_doc("Contact", contact)
		doc.append("links", {"link_doctype": b[0], "link_name": b[1]})
		doc.save(ignore_permissions=True)
		with self.set_user(user):
			self.assertRaises(frappe.ValidationError, portal.report_incident, "Subject", "Text")
			self.assertRaises(
				frappe.ValidationError, portal.report_incident, "Subject", "Text", customer="::".join(c)
			)
			name = portal.report_incident("Subject", "Text", customer="::".join(b))
		self.assertEqual(frappe.db.get_value("ITIL Incident", name, ["customer_type", "customer"]), b)

	def test_logging_in_grants_the_role_to_customer_contacts(self):
		a = make_customer("A")
		user, _contact = portal_user(a, role=False)
		loner, _c = portal_user(role=False)
		settings = frappe.get_single("ITIL Settings")
		self.addCleanup(
			frappe.db.set_single_value, "ITIL Settings", "portal_role_by_hand", settings.portal_role_by_hand
		)
		frappe.db.set_single_value("ITIL Settings", "portal_role_by_hand", 1)
		with self.set_user(user):
			access.grant_portal_role()
		self.assertNotIn(access.PORTAL_ROLE, frappe.get_roles(user))
		frappe.db.set_single_value("ITIL Settings", "portal_role_by_hand", 0)
		for who in (user, loner):
			with self.set_user(who):
				access.grant_portal_role()
		self.assertIn(access.PORTAL_ROLE, frappe.get_roles(user))
		self.assertNotIn(access.PORTAL_ROLE, frappe.get_roles(loner))
		self.assertEqual(frappe.db.get_value("User", user, "user_type"), "Website User")
