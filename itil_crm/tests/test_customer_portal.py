"""The customer portal: a customer's contact sees their customer's incidents and nothing else, on the
portal and through every API path; reports incidents and replies with fields computed on the server.

Runs on every site: with ERPNext or Helpdesk, customers come from their Customer / HD Customer; on a
frappe-only site there is no customer doctype and the rule is "the incidents you reported"."""

import re
from zoneinfo import ZoneInfo

import frappe
from frappe.core.doctype.communication.email import make as make_message
from frappe.desk.reportview import get as reportview_get
from frappe.desk.search import search_link
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime, get_system_timezone, random_string, set_request
from frappe.website.serve import get_response

from itil_crm.customer_portal import access, notices, resolution
from itil_crm.customer_portal import incidents as portal
from itil_crm.frappe_fixes.portal_requests import _may_download
from itil_crm.incident_management.history import for_form as history_for_form
from itil_crm.tests.utils import make_ci, make_incident, timeline_notes, user_with_roles


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


def resolve(doc):
	doc.reload()
	doc.update({"status": "Resolved", "resolution_code": "Permanent Fix", "resolution_notes": "Fixed"})
	doc.save()
	return doc


class TestResolutionAnswer(PortalCase):
	"""Issue 23: the customer confirms a resolution (the incident closes) or says it is not solved (it
	reopens with their reason), once, only their own incident, only when it is resolved."""

	def test_the_caller_confirms_once_and_nobody_else_may(self):
		user, contact = portal_user()
		stranger, _other = portal_user()
		agent = user_with_roles("ITIL Service Desk Agent")
		mine = self.incident_of(caller=contact)
		with self.set_user(user):  # not resolved yet: nothing to confirm
			self.assertRaises(frappe.ValidationError, resolution.confirm_resolution, mine.name)
		resolve(mine)
		for who in (stranger, agent, "Guest"):
			with self.set_user(who):
				self.assertRaises(frappe.PermissionError, resolution.confirm_resolution, mine.name)
				self.assertRaises(frappe.PermissionError, resolution.reopen_incident, mine.name, "No")
		with self.set_user(user):
			self.assertRaises(frappe.PermissionError, resolution.confirm_resolution, "INC-NOPE-404")
		self.assertEqual(frappe.db.get_value("ITIL Incident", mine.name, "status"), "Resolved")
		with self.set_user(user):
			self.assertEqual(resolution.confirm_resolution(mine.name), "Closed")
			self.assertEqual(resolution.confirm_resolution(mine.name), "Closed")  # twice: nothing more
			self.assertRaises(frappe.ValidationError, resolution.reopen_incident, mine.name, "Broken again")
		mine.reload()
		self.assertEqual(mine.status, "Closed")
		self.assertTrue(mine.closed_on)
		self.assertEqual(timeline_notes(mine.name, "confirmed the resolution"), 1)

	def test_a_contact_of_the_customer_says_it_is_not_solved_in_their_words(self):
		if not customer_doctype():
			self.skipTest("no customer doctype on this site (frappe only)")
		customer = make_customer("A")
		colleague, _contact = portal_user(customer)
		mine = resolve(self.incident_of(customer))
		with self.set_user(colleague):
			self.assertRaises(frappe.ValidationError, resolution.reopen_incident, mine.name, "   ")
			self.assertEqual(
				resolution.reopen_incident(mine.name, "The printer <b>still</b> jams on tray 2"),
				"In Progress",
			)
			self.assertEqual(resolution.reopen_incident(mine.name, "The printer still jams"), "In Progress")
			replies = portal.incident_view(portal.readable(mine.name))["replies"]
		mine.reload()
		self.assertEqual((mine.status, mine.resolved_on), ("In Progress", None))
		# their reason is their message, once, on the incident's timeline and the portal; as text
		self.assertEqual([r["from_customer"] for r in replies], [True])
		self.assertIn("still</b>" if False else "&lt;b&gt;still&lt;/b&gt;", replies[0]["content"])
		self.assertEqual(
			frappe.db.count(
				"Communication",
				{
					"reference_doctype": "ITIL Incident",
					"reference_name": mine.name,
					"sent_or_received": "Received",
				},
			),
			1,
		)
		self.assertEqual(timeline_notes(mine.name, "says it is not solved"), 1)
		self.assertEqual(timeline_notes(mine.name, "the customer replied after the resolution"), 0)

	def test_the_incident_page_offers_the_answer_only_when_resolved(self):
		user, contact = portal_user()
		mine = self.incident_of(caller=contact)
		html = self.page(user, f"/incidents/{mine.name}").get_data(as_text=True)
		self.assertFalse('data-itil="resolution-answer"' in html, "answer buttons before the resolution")
		resolve(mine)
		html = self.page(user, f"/incidents/{mine.name}").get_data(as_text=True)
		self.assertTrue('data-itil="resolution-answer"' in html, "no answer buttons")
		self.assertTrue('data-itil="confirm"' in html)
		self.assertTrue('data-itil="reopen"' in html)


class TestFilesSentToTheCustomer(PortalCase):
	"""Issue 23: a file the desk sends the customer in a reply is theirs on the portal (listed, and
	downloadable through Frappe's File permission); a file attached to the incident only, or sent to
	someone else, stays internal."""

	def private_file(self, incident: str, label: str):
		return frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{label}-{random_string(6)}.txt",
				"content": f"{label} content {random_string(8)}".encode(),
				"attached_to_doctype": "ITIL Incident",
				"attached_to_name": incident,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)

	def test_a_file_sent_in_a_reply_is_the_customers_an_internal_one_is_not(self):
		user, contact = portal_user()
		email = frappe.db.get_value("User", user, "email")
		mine = self.incident_of(caller=contact, caller_email=email)
		sent, internal, to_supplier = (self.private_file(mine.name, n) for n in ("fix", "log", "supplier"))
		for recipients, files in ((email, [sent.name]), ("supplier@example.org", [to_supplier.name])):
			make_message(
				doctype="ITIL Incident",
				name=mine.name,
				subject=f"Re: {mine.subject}",
				content="Here is the file",
				recipients=recipients,
				communication_medium="Email",
				send_email=False,
				attachments=files,
			)
		with self.set_user(user):
			view = portal.incident_view(portal.readable(mine.name))
			listed = [f["file_name"] for r in view["replies"] for f in r["files"]]
			self.assertEqual(listed, [sent.file_name])
			self.assertNotIn(internal.file_name, frappe.as_json(view))
			self.assertNotIn(to_supplier.file_name, frappe.as_json(view))
			self.assertTrue(frappe.has_permission("File", "read", doc=sent, user=user))
			for file in (internal, to_supplier):
				self.assertFalse(frappe.has_permission("File", "read", doc=file, user=user), file.file_name)
			# the download checks every record of the file (the incident's, the reply's)
			self.assertTrue(_may_download(sent.file_url, user))
			self.assertFalse(_may_download(internal.file_url, user))
			self.assertFalse(_may_download(to_supplier.file_url, user))
		# another customer's user opens none of them
		stranger, _other = portal_user()
		self.assertFalse(_may_download(sent.file_url, stranger))


class TestToldInTheirOwnZone(PortalCase):
	"""Issue 23: the customer is told when the desk replies, and reads deadlines in their own zone."""

	def test_a_reply_to_the_customer_alerts_their_portal_user_until_they_open_it(self):
		user, contact = portal_user()
		email = frappe.db.get_value("User", user, "email")
		mine = self.incident_of(caller=contact, caller_email=email)
		for recipients in ("supplier@example.org", email):
			make_message(
				doctype="ITIL Incident",
				name=mine.name,
				subject=f"Re: {mine.subject}",
				content="We are on it",
				recipients=recipients,
				communication_medium="Email",
				send_email=False,
			)
		logs = frappe.get_all(
			"Notification Log",
			filters={"document_type": "ITIL Incident", "document_name": mine.name},
			fields=["for_user", "type", "read"],
		)
		self.assertEqual([(l.for_user, l.type, l.read) for l in logs], [(user, "Alert", 0)])
		with self.set_user(user):
			row = next(r for r in portal.incident_list("all") if r.name == mine.name)
			self.assertTrue(row.new_reply)
			self.assertTrue(
				'data-itil="new-reply"' in self.page(user, "/incidents?show=all").get_data(as_text=True)
			)
			notices.seen(mine.name)
			row = next(r for r in portal.incident_list("all") if r.name == mine.name)
			self.assertFalse(row.new_reply)

	def test_deadlines_are_in_the_customers_zone_and_the_instant_is_given_to_the_browser(self):
		user, contact = portal_user()
		mine = self.incident_of(caller=contact)
		mine.reload()
		due = get_datetime(mine.response_by)
		self.assertTrue(due)
		instant = due.replace(tzinfo=ZoneInfo(get_system_timezone()))
		utc = instant.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
		frappe.db.set_value("User", user, "time_zone", "Asia/Tokyo")
		with self.set_user(user):
			view = portal.incident_view(portal.readable(mine.name))
		tokyo = " ".join(view["promises"])
		self.assertIn(instant.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M</time>"), tokyo)
		self.assertIn(f'datetime="{utc}"', tokyo)
		self.assertEqual(view["times"]["zone"], "Asia/Tokyo")
		self.assertIn("Asia/Tokyo", view["times"]["note"])
		# no zone of their own (Frappe fills a new user's with the site's): the site's on the server, the
		# browser's once the page's script ran
		frappe.db.set_value("User", user, "time_zone", get_system_timezone())
		with self.set_user(user):
			self.assertEqual(portal.incident_view(portal.readable(mine.name))["times"]["zone"], "")
		frappe.db.set_value("User", user, "time_zone", None)
		with self.set_user(user):
			view = portal.incident_view(portal.readable(mine.name))
		site = " ".join(view["promises"])
		self.assertIn(due.strftime("%H:%M</time>"), site)
		self.assertIn(f'datetime="{utc}"', site)
		self.assertEqual(view["times"]["zone"], "")

		# "in 3 hours" does not depend on the zone it is shown in
		def words(text):
			return re.sub(r"<time[^>]*>[^<]*</time>", "", text)

		self.assertEqual(words(tokyo), words(site))
		self.assertIn("(in ", words(site))


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
