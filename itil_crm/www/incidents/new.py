import frappe
from frappe import _

from itil_crm.service_desk import portal_incidents as P
from itil_crm.service_desk.customer_portal import scope

no_cache = 1


def get_context(context):
	P.require_login("/incidents/new")
	context.services = P.published_services()
	context.customers = [{"value": "::".join(c), "label": c[1]} for c in scope(frappe.session.user).customers]
	context.max_files = P.MAX_FILES
	context.max_subject = P.MAX_SUBJECT
	context.show_sidebar = True
	context.title = _("Report an Incident")
	context.parents = [{"route": "/incidents", "title": _("My Incidents")}]
