import frappe
from frappe import _
from frappe.utils import cint

from itil_crm.customer_portal import incidents as portal

no_cache = 1


def get_context(context):
	portal.require_login("/incidents")
	show = "all" if frappe.form_dict.get("show") == "all" else "open"
	start = max(cint(frappe.form_dict.get("start")), 0)
	rows = portal.incident_list(show, start)
	context.more = len(rows) > portal.PAGE
	context.incidents = rows[: portal.PAGE]
	context.times = portal.times_note()
	context.show = show
	context.start = start
	context.page_size = portal.PAGE
	context.show_sidebar = True
	context.title = _("My Incidents")
	context.no_breadcrumbs = True
