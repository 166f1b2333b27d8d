"""Make a site look like one that has been in use (run by .ci/run with the bench's python from the
bench's sites folder):

- ERPNext's setup wizard completed non-interactively (company, currency, fiscal year, time zone
  America/New_York, global defaults such as customer_group and territory);
- ERPNext's own demo data (demo company, customers, items, transactions);
- customers in a customer group, an ERPNext Issue;
- Helpdesk used: an agent, a team and a ticket raised by a customer's contact.

    cd <bench>/sites && ../env/bin/python <repo>/.ci/realistic_site.py <site>

It never touches itil_crm (installed after it, or, in the upgrade run, an earlier version installed
with the site) and it is not part of the app.
"""

import sys

import frappe


def main(site: str) -> None:
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		setup_erpnext()
		erpnext_data()
		helpdesk_data()
		frappe.db.commit()
		print(summary())
	finally:
		frappe.destroy()


def setup_erpnext() -> None:
	from erpnext.setup.utils import before_tests

	before_tests()  # the setup wizard, America/New_York, company "Wind Power LLC"
	try:
		from erpnext.setup.demo import setup_demo_data

		if not frappe.db.get_single_value("Global Defaults", "demo_company"):
			setup_demo_data()
	except Exception:
		# the demo is a bonus: the site stays realistic without it
		frappe.db.rollback()
		print("ERPNext demo data could not be created:", frappe.get_traceback().splitlines()[-1])


def erpnext_data() -> None:
	if not frappe.db.exists("Customer Group", "Enterprise"):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": "Enterprise",
				"parent_customer_group": "All Customer Groups",
			}
		).insert()
	for name in ("Northwind Traders", "Contoso Ltd"):
		if not frappe.db.exists("Customer", name):
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": name,
					"customer_group": "Enterprise",
					"customer_type": "Company",
				}
			).insert()
	if not frappe.db.exists("Issue", {"subject": "Invoices not printing"}):
		frappe.get_doc(
			{
				"doctype": "Issue",
				"subject": "Invoices not printing",
				"customer": "Contoso Ltd",
				"raised_by": "it@contoso.example",
			}
		).insert()


def helpdesk_data() -> None:
	email = "agent.smith@realistic.example"
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": "Agent",
				"last_name": "Smith",
				"send_welcome_email": 0,
			}
		).insert()
	if not frappe.db.exists("HD Agent", email):
		frappe.get_doc({"doctype": "HD Agent", "user": email, "agent_name": "Agent Smith"}).insert()
	if not frappe.db.exists("HD Team", "Billing"):
		frappe.get_doc({"doctype": "HD Team", "team_name": "Billing", "users": [{"user": email}]}).insert()
	if not frappe.db.exists("HD Customer", "Fabrikam"):
		frappe.get_doc({"doctype": "HD Customer", "customer_name": "Fabrikam"}).insert()
	if not frappe.db.exists("HD Ticket", {"subject": "Cannot log in to the portal"}):
		frappe.get_doc(
			{
				"doctype": "HD Ticket",
				"subject": "Cannot log in to the portal",
				"description": "Since this morning the portal refuses my password.",
				"raised_by": "jane.doe@fabrikam.example",
				"customer": "Fabrikam",
			}
		).insert()


def summary() -> str:
	counts = {
		dt: frappe.db.count(dt)
		for dt in (
			"Company",
			"Customer",
			"Item",
			"Sales Invoice",
			"Issue",
			"HD Ticket",
			"HD Agent",
			"Contact",
		)
	}
	return (
		f"time zone {frappe.db.get_single_value('System Settings', 'time_zone')}, "
		f"default customer group {frappe.db.get_default('customer_group')!r}, "
		+ ", ".join(f"{dt}: {n}" for dt, n in counts.items())
	)


if __name__ == "__main__":
	main(sys.argv[1])
