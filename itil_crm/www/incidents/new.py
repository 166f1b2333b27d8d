import frappe
from frappe import _

from itil_crm.customer_portal import incidents as portal
from itil_crm.customer_portal.access import scope

no_cache = 1


def get_context(context):
	portal.require_login("/incidents/new")
	context.services = portal.published_services()
	context.customers = [{"value": "::".join(c), "label": c[1]} for c in scope(frappe.session.user).customers]
	context.max_files = portal.MAX_FILES
	context.max_subject = portal.MAX_SUBJECT
	context.show_sidebar = True
	context.title = _("Report an Incident")
	context.parents = [{"route": "/incidents", "title": _("My Incidents")}]
