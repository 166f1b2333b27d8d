"""Issue 6 in the desk: a new SLA is a default agreement, whatever defaults the site keeps, and the
calendar form says which time zone its deadlines use."""

import re

from conftest import open_form


def doc(page, field):
	return page.evaluate(f"cur_frm.doc[{field!r}]")


def test_a_new_sla_in_the_form_is_a_default_agreement_until_a_group_is_chosen(desk, base_url):
	page = open_form(desk, base_url, "itil-service-agreement/new")
	has_group = page.evaluate("Boolean(cur_frm.fields_dict.sla_customer_group)")
	assert doc(page, "agreement_type") == "SLA"
	assert doc(page, "is_default") == 1
	assert not doc(page, "customer")
	if not has_group:
		return  # a site without ERPNext has no customer groups
	# ERPNext keeps a global default customer_group: the form must not take it
	site_default = page.evaluate("frappe.defaults.get_default('customer_group')")
	assert not doc(page, "sla_customer_group"), site_default
	group = page.locator('[data-fieldname="sla_customer_group"] input')
	group.fill(site_default or "All Customer Groups")
	page.locator('[data-fieldname="agreement_name"] input').click()
	page.wait_for_function("() => !cur_frm.doc.is_default")
	assert doc(page, "sla_customer_group")
	group.fill("")
	page.locator('[data-fieldname="agreement_name"] input').click()
	page.wait_for_function("() => cur_frm.doc.is_default == 1")


def test_the_calendar_form_says_which_time_zone_its_deadlines_use(desk, base_url):
	page = open_form(desk, base_url, "itil-service-calendar/Business Hours")
	zone = page.evaluate("frappe.boot.time_zone.system")
	assert doc(page, "follow_system_time_zone") == 1
	assert doc(page, "timezone") == zone
	intro = page.locator(".form-intro-area, .form-message").first.inner_text()
	assert re.search(rf"Deadlines are computed in {re.escape(zone)}, the system time zone", intro), intro
	assert page.locator('[data-fieldname="timezone"] input').is_disabled() or page.evaluate(
		"cur_frm.get_field('timezone').df.read_only || cur_frm.get_field('timezone').get_status() === 'Read'"
	)
