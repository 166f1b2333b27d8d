import frappe

from itil_crm.customer_portal import incidents as portal
from itil_crm.customer_portal.notices import unread

no_cache = 1


def get_context(context):
	name = frappe.form_dict.get("name") or ""
	portal.require_login(f"/incidents/{name}")
	context.incident = portal.incident_view(portal.readable(name))
	context.max_files = portal.MAX_FILES
	context.unread = bool(unread(frappe.session.user, [context.incident["name"]]))
	# the resolution mail's links ask for an answer: the page gets it ready (a click sends it)
	context.answer_asked = (
		frappe.form_dict.get("answer") if frappe.form_dict.get("answer") in ("confirm", "reopen") else ""
	)
	context.show_sidebar = True
	# Frappe's breadcrumbs show the page title as HTML
	context.title = frappe.utils.escape_html(context.incident["subject"])
	context.parents = [{"route": "/incidents", "title": frappe._("My Incidents")}]
