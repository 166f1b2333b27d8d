"""What a real site holds must not leak into our records: other apps' global defaults, the site's time
zone set after our install (issue 6). These tests hold on any site: fresh, or set up and in use."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_datetime

from itil_crm.patches.v0_2 import seeded_calendars_follow_system_time_zone as calendar_patch
from itil_crm.service_level.calendars import system_timezone
from itil_crm.setup import default_data
from itil_crm.tests.utils import first_selection_order, make_incident

HOUR = 3600


def our_doctypes() -> list[str]:
	return frappe.get_all(
		"DocType", filters={"module": ["in", frappe.get_module_list("itil_crm")], "issingle": 0}, pluck="name"
	)


def calendar(name, **kw):
	return frappe.get_doc(
		{"doctype": "ITIL Service Calendar", "calendar_name": name, "is_24x7": 1, "timezone": "UTC", **kw}
	).insert()


def new_agreement(name, calendar_name, **kw):
	"""As the form does: frappe.new_doc applies the defaults, then the admin fills the fields."""
	doc = frappe.new_doc("ITIL Service Agreement")
	doc.update(
		{
			"agreement_name": name,
			"service_calendar": calendar_name,
			"targets": [
				{"priority": p, "response_time": HOUR, "resolution_time": 4 * HOUR}
				for p in frappe.get_all("ITIL Priority", pluck="name")
			],
			**kw,
		}
	)
	return doc


def erpnext_root_group() -> str | None:
	"""The root of the customer group tree; a site whose setup wizard has not run has none yet."""
	if "erpnext" not in frappe.get_installed_apps():
		return None
	roots = frappe.get_all(
		"Customer Group", filters={"parent_customer_group": ["is", "not set"]}, pluck="name", limit=1
	)
	if roots:
		return roots[0]
	return (
		frappe.get_doc(
			{"doctype": "Customer Group", "customer_group_name": "_Test All Groups", "is_group": 1}
		)
		.insert()
		.name
	)


class TestNoDefaultLeaks(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.calendar = calendar("_Test Leak Calendar").name

	def setUp(self):
		# ERPNext's setup and Selling Settings keep this global default on every real ERPNext site
		self.group = erpnext_root_group()
		if self.group:
			before = frappe.db.get_default("customer_group")
			frappe.db.set_default("customer_group", self.group)
			self.addCleanup(frappe.db.set_default, "customer_group", before)
		frappe.local.new_doc_templates = {}
		self.addCleanup(setattr, frappe.local, "new_doc_templates", {})

	def test_new_records_take_no_value_from_another_apps_defaults(self):
		defaults = frappe.defaults.get_defaults()
		leaks = []
		for doctype in our_doctypes():
			doc = frappe.new_doc(doctype)  # the server: defaults keyed by fieldname
			for df in doc.meta.get("fields", {"fieldtype": "Link"}):
				value = doc.get(df.fieldname)
				if value and value != df.default:
					leaks.append(
						f"{doctype}.{df.fieldname} = {value!r} (site default {defaults.get(df.fieldname)!r})"
					)
				# the form (create_new.js) also looks up the target doctype's scrubbed name, unless the
				# field ignores user permissions; checked in a browser for ITIL Service Agreement
				if df.options != "User" and not df.ignore_user_permissions:
					form_value = defaults.get(frappe.scrub(df.options))
					if form_value and not isinstance(form_value, list):
						leaks.append(f"{doctype}.{df.fieldname} in the form = {form_value!r}")
		self.assertEqual(leaks, [])

	def test_an_agreement_created_in_the_form_is_a_default_agreement_unless_a_group_is_chosen(self):
		order = first_selection_order()
		doc = new_agreement("_Test Form SLA", self.calendar, is_default=1, selection_order=order)
		doc.insert()
		self.assertFalse(doc.get("sla_customer_group"))
		incident = make_incident()
		self.assertEqual(incident.service_agreement, doc.name, incident.agreement_reason)
		self.assertIn("default agreement _Test Form SLA", incident.agreement_reason)

	def test_an_sla_for_nobody_is_saved_with_a_warning(self):
		frappe.clear_messages()
		new_agreement("_Test Dormant SLA", self.calendar).insert()
		self.assertIn("no incident will get it", str(frappe.message_log))

	def test_the_seeded_standard_sla_applies_to_incidents_without_a_customer(self):
		if not frappe.db.exists("ITIL Service Agreement", default_data.DEFAULT_SLA):
			self.skipTest("the site removed the seeded Standard SLA")
		standard = frappe.get_doc("ITIL Service Agreement", default_data.DEFAULT_SLA)
		self.assertFalse(standard.get("sla_customer_group"))
		self.assertFalse(standard.customer)
		if not (standard.enabled and standard.is_default):
			self.skipTest("the site disabled the seeded Standard SLA or made it non-default")
		# it wins once it is the first default SLA by selection order
		standard.db_set("selection_order", first_selection_order(), update_modified=False)
		self.assertEqual(make_incident().service_agreement, default_data.DEFAULT_SLA)

	def test_a_customer_group_agreement_covers_the_customers_of_that_group(self):
		if not self.group:
			self.skipTest("needs ERPNext customer groups")
		group = frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": "_Test SLA Group",
				"parent_customer_group": self.group,
			}
		).insert()
		customer = frappe.get_doc(
			{"doctype": "Customer", "customer_name": "_Test Grouped Customer", "customer_group": group.name}
		).insert()
		agreement = new_agreement("_Test Group SLA", self.calendar, sla_customer_group=group.name).insert()
		incident = make_incident(customer_type="Customer", customer=customer.name)
		self.assertEqual(incident.service_agreement, agreement.name)
		self.assertIn("customer group agreement _Test Group SLA", incident.agreement_reason)

	def test_a_group_agreement_covers_the_customers_of_its_sub_groups_and_the_nearest_group_wins(self):
		"""ERPNext's customer group tree: "_Test Region" > "_Test Region North" > "_Test Region North Shops".
		An agreement for the region covers a shop's customer; one for the north, nearer, wins over it even
		with a higher selection order; a customer of a sibling group gets neither."""
		if not self.group:
			self.skipTest("needs ERPNext customer groups")

		def group(name, parent, is_group=1):
			return frappe.get_doc(
				{
					"doctype": "Customer Group",
					"customer_group_name": name,
					"parent_customer_group": parent,
					"is_group": is_group,
				}
			).insert()

		def customer(name, in_group):
			return frappe.get_doc(
				{"doctype": "Customer", "customer_name": name, "customer_group": in_group}
			).insert()

		region = group("_Test Region", self.group)
		north = group("_Test Region North", region.name)
		shops = group("_Test Region North Shops", north.name, is_group=0)
		south = group("_Test Region South", region.name, is_group=0)
		shop, southern = customer("_Test Shop", shops.name), customer("_Test Southern", south.name)
		order = first_selection_order()
		region_sla = new_agreement(
			"_Test Region SLA", self.calendar, sla_customer_group=region.name, selection_order=order
		).insert()
		incident = make_incident(customer_type="Customer", customer=shop.name)
		self.assertEqual(incident.service_agreement, region_sla.name, incident.agreement_reason)
		self.assertIn(f"a parent group of {shops.name}", incident.agreement_reason)
		north_sla = new_agreement(
			"_Test North SLA", self.calendar, sla_customer_group=north.name, selection_order=order + 50
		).insert()
		self.assertEqual(
			make_incident(customer_type="Customer", customer=shop.name).service_agreement, north_sla.name
		)
		self.assertEqual(
			make_incident(customer_type="Customer", customer=southern.name).service_agreement,
			region_sla.name,
		)

	def test_a_default_or_customer_agreement_with_a_group_is_refused(self):
		if not self.group:
			self.skipTest("needs ERPNext customer groups")
		with self.assertRaises(frappe.ValidationError) as ctx:
			new_agreement(
				"_Test Bad Default", self.calendar, is_default=1, sla_customer_group=self.group
			).insert()
		self.assertIn("untick Default", str(ctx.exception))
		customer = frappe.get_doc({"doctype": "Customer", "customer_name": "_Test Scoped Customer"}).insert()
		with self.assertRaises(frappe.ValidationError) as ctx:
			new_agreement(
				"_Test Bad Scope",
				self.calendar,
				customer_type="Customer",
				customer=customer.name,
				sla_customer_group=self.group,
			).insert()
		self.assertIn("one customer or for one customer group", str(ctx.exception))
		self.assertFalse(
			frappe.db.exists("ITIL Service Agreement", {"agreement_name": ["like", "_Test Bad%"]})
		)


class TestCalendarsFollowTheSiteTimeZone(FrappeTestCase):
	def set_system_zone(self, zone):
		settings = frappe.get_doc("System Settings")
		settings.time_zone = zone
		settings.flags.ignore_mandatory = True
		settings.save()

	def test_a_following_calendar_moves_with_system_settings_and_a_chosen_zone_stays(self):
		original = system_timezone()
		follower = calendar("_Test Follower", follow_system_time_zone=1, timezone="Asia/Tokyo")
		self.assertEqual(follower.timezone, original)  # the form's choice is replaced by the system zone
		chosen = calendar("_Test Chosen Zone", timezone="Pacific/Auckland")
		other = "Asia/Kolkata" if original != "Asia/Kolkata" else "America/Chicago"
		self.addCleanup(self.set_system_zone, original)
		self.set_system_zone(other)  # as the setup wizard or an admin does
		self.assertEqual(frappe.db.get_value("ITIL Service Calendar", follower.name, "timezone"), other)
		self.assertEqual(
			frappe.db.get_value("ITIL Service Calendar", chosen.name, "timezone"), "Pacific/Auckland"
		)
		for name, zone in frappe.get_all(
			"ITIL Service Calendar",
			filters={"follow_system_time_zone": 1},
			fields=["name", "timezone"],
			as_list=True,
		):
			self.assertEqual(zone, other, name)
		# deadlines are computed in the new zone: the calendar's cache key (modified) changed
		from itil_crm.service_level.agreements import load_calendar

		self.assertEqual(load_calendar(follower.name).timezone, other)

	def test_on_a_site_whose_zone_was_never_set_calendars_follow_frappes_own_fallback_zone(self):
		"""Frappe converts stored datetimes with its own fallback zone when System Settings has none; a
		calendar that follows the system zone must use the same one, not UTC."""
		from frappe.utils import get_system_timezone

		from itil_crm.service_level import site_time

		original = frappe.db.get_single_value("System Settings", "time_zone")
		self.addCleanup(frappe.clear_cache)
		self.addCleanup(frappe.db.set_single_value, "System Settings", "time_zone", original)
		frappe.db.set_single_value("System Settings", "time_zone", "")
		frappe.clear_cache()
		fallback = get_system_timezone()
		self.assertTrue(fallback)
		follower = calendar("_Test Unset Zone Follower", follow_system_time_zone=1, timezone="UTC")
		self.assertEqual(follower.timezone, fallback)
		self.assertEqual(system_timezone(), fallback)
		self.assertEqual(str(site_time.system_zone()), follower.timezone)

	def test_the_patch_makes_untouched_seeded_calendars_follow_and_leaves_chosen_zones(self):
		if not frappe.db.exists(
			"ITIL Service Calendar", default_data.CALENDAR_BUSINESS_HOURS
		) or not frappe.db.exists("ITIL Service Calendar", default_data.CALENDAR_24X7):
			self.skipTest("the site removed a seeded calendar")
		zone = system_timezone()
		chosen = "Pacific/Auckland" if zone != "Pacific/Auckland" else "Europe/Paris"
		# as 0.1 left them: Business Hours never edited, in UTC; 24x7 edited by an admin to another zone
		created = get_datetime(
			frappe.db.get_value("ITIL Service Calendar", default_data.CALENDAR_BUSINESS_HOURS, "creation")
		)
		frappe.db.set_value(
			"ITIL Service Calendar",
			default_data.CALENDAR_BUSINESS_HOURS,
			{"follow_system_time_zone": 0, "timezone": "UTC", "modified": created},
			update_modified=False,
		)
		created = get_datetime(
			frappe.db.get_value("ITIL Service Calendar", default_data.CALENDAR_24X7, "creation")
		)
		frappe.db.set_value(
			"ITIL Service Calendar",
			default_data.CALENDAR_24X7,
			{"follow_system_time_zone": 0, "timezone": chosen, "modified": add_days(created, 1)},
			update_modified=False,
		)
		calendar_patch.execute()
		state = lambda name: frappe.db.get_value(  # noqa: E731
			"ITIL Service Calendar", name, ["follow_system_time_zone", "timezone", "modified"]
		)
		business, around = state(default_data.CALENDAR_BUSINESS_HOURS), state(default_data.CALENDAR_24X7)
		self.assertEqual(business[:2], (1, zone))
		self.assertEqual(around[:2], (0, chosen))
		calendar_patch.execute()  # idempotent
		self.assertEqual(state(default_data.CALENDAR_BUSINESS_HOURS), business)
		self.assertEqual(state(default_data.CALENDAR_24X7), around)
