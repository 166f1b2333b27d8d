import frappe
from frappe import _
from frappe.utils import cint

from itil_crm.service_desk import portal_incidents as P

no_cache = 1


def get_context(context):
	P.require_login("/incidents")
	show = "all" if frappe.form_dict.get("show") == "all" else "open"
	start = max(cint(frappe.form_dict.get("start")), 0)
	rows = P.incident_list(show, start)
	context.more = len(rows) > P.PAGE
	context.incidents = rows[: P.PAGE]
	context.show = show
	context.start = start
	context.page_size = P.PAGE
	context.show_sidebar = True
	context.title = _("My Incidents")
	context.no_breadcrumbs = True
