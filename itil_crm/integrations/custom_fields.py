"""Custom fields itil_crm adds, per app that must be installed for them to make sense.

Fields on other apps' doctypes are prefixed ``itil_``. Fields on our own doctypes that point at an
optional app's doctype (e.g. a CI's ERPNext Asset) are also custom fields, so that a frappe-only site
never holds a Link to a doctype it does not have. Plain data: no frappe import.
"""

MODULE = "Configuration Management"


def ticket_fields(after: str) -> list[dict]:
	"""On a ticket (HD Ticket, Issue): its incident, and the incident's ITIL clock, read-only, so an
	agent in the ticketing app sees it; and why the last attempt to raise its incident failed."""
	ro = {"read_only": 1, "no_copy": 1}
	return [
		{"fieldname": "itil_incident", "fieldtype": "Link", "label": "ITIL Incident", "options": "ITIL Incident", "insert_after": after, "search_index": 1, **ro},
		{"fieldname": "itil_priority", "fieldtype": "Link", "label": "ITIL Priority", "options": "ITIL Priority", "insert_after": "itil_incident", "depends_on": "itil_incident", **ro},
		{"fieldname": "itil_response_by", "fieldtype": "Datetime", "label": "ITIL Response By", "insert_after": "itil_priority", "depends_on": "itil_incident", **ro},
		{"fieldname": "itil_resolution_by", "fieldtype": "Datetime", "label": "ITIL Resolution By", "insert_after": "itil_response_by", "depends_on": "itil_incident", **ro},
		{"fieldname": "itil_sla_status", "fieldtype": "Data", "label": "ITIL SLA Status", "insert_after": "itil_resolution_by", "depends_on": "itil_incident", **ro},
		{"fieldname": "itil_resolution_sent", "fieldtype": "Datetime", "label": "ITIL Resolution Sent", "insert_after": "itil_sla_status", "hidden": 1, **ro},
		{"fieldname": "itil_intake_error", "fieldtype": "Small Text", "label": "ITIL Incident Not Raised", "insert_after": "itil_sla_status", "depends_on": "itil_intake_error", "description": "Why the incident could not be raised; retried every 15 minutes", **ro},
	]  # fmt: skip


CUSTOM_FIELDS: dict[str, dict[str, list[dict]]] = {
	# frappe itself is always there
	"frappe": {
		"Contact": [
			{
				"fieldname": "itil_key_contact",
				"fieldtype": "Check",
				"label": "Key Contact (ITIL)",
				"insert_after": "is_primary_contact",
				"description": "Incidents raised by this contact get at least the key-customer impact",
			},
		],
	},
	"erpnext": {
		"Customer": [
			{
				"fieldname": "itil_key_account",
				"fieldtype": "Check",
				"label": "Key Account (ITIL)",
				"insert_after": "customer_group",
				"description": "Incidents for this customer get at least the key-customer impact",
			},
		],
		"Customer Group": [
			{
				"fieldname": "itil_key_account",
				"fieldtype": "Check",
				"label": "Key Accounts (ITIL)",
				"insert_after": "is_group",
				"description": "Incidents for customers of this group get at least the key-customer impact",
			},
		],
		"Issue": ticket_fields(after="issue_type"),
		"ITIL Configuration Item": [
			{
				"fieldname": "sb_erpnext",
				"fieldtype": "Section Break",
				"label": "ERPNext",
				"insert_after": "documentation_url",
				"collapsible": 1,
			},
			{
				"fieldname": "asset",
				"fieldtype": "Link",
				"label": "Asset",
				"options": "Asset",
				"insert_after": "sb_erpnext",
			},
			{
				"fieldname": "serial_no",
				"fieldtype": "Link",
				"label": "Serial No",
				"options": "Serial No",
				"insert_after": "asset",
			},
			{
				"fieldname": "item_code",
				"fieldtype": "Link",
				"label": "Item",
				"options": "Item",
				"insert_after": "serial_no",
			},
		],
		"ITIL Support Group": [
			{
				"fieldname": "supplier",
				"fieldtype": "Link",
				"label": "ERPNext Supplier",
				"options": "Supplier",
				"insert_after": "supplier_name",
				"depends_on": "is_external",
			},
		],
		"ITIL Service Agreement": [
			{
				# ERPNext keeps a global default `customer_group` (Selling Settings, setup wizard). Frappe
				# fills a new document's Link field from it on the server when the *fieldname* is
				# `customer_group`, and in the form when the *target* is Customer Group unless the
				# field ignores user permissions: hence this name, and ignore_user_permissions.
				"fieldname": "sla_customer_group",
				"fieldtype": "Link",
				"label": "Customer Group",
				"options": "Customer Group",
				"ignore_user_permissions": 1,
				"insert_after": "customer",
				"depends_on": "eval:doc.agreement_type=='SLA' && !doc.customer",
				"description": "Applies to every customer of this group (after customer-specific "
				"agreements). Leave empty for a default agreement.",
			},
		],
	},
	"helpdesk": {
		"HD Ticket": ticket_fields(after="ticket_type"),
		"HD Customer": [
			{
				"fieldname": "itil_key_account",
				"fieldtype": "Check",
				"label": "Key Account (ITIL)",
				"insert_after": "domain",
				"description": "Incidents for this customer get at least the key-customer impact",
			},
		],
	},
}

# The doctypes that may stand as an incident's customer, per app
CUSTOMER_DOCTYPES = {"erpnext": "Customer", "helpdesk": "HD Customer"}
SOURCE_DOCTYPES = {"erpnext": "Issue", "helpdesk": "HD Ticket"}


def fields_for(app: str) -> dict[str, list[dict]]:
	return CUSTOM_FIELDS.get(app, {})


def all_field_names() -> list[str]:
	"""Custom Field document names (``<doctype>-<fieldname>``) of every field we may add."""
	return [
		f"{doctype}-{df['fieldname']}"
		for per_app in CUSTOM_FIELDS.values()
		for doctype, fields in per_app.items()
		for df in fields
	]
