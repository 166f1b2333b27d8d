import frappe

from itil_crm.service_desk import portal_incidents as P

no_cache = 1


def get_context(context):
	name = frappe.form_dict.get("name") or ""
	P.require_login(f"/incidents/{name}")
	context.incident = P.incident_view(P.readable(name))
	context.max_files = P.MAX_FILES
	context.show_sidebar = True
	# Frappe's breadcrumbs show the page title as HTML
	context.title = frappe.utils.escape_html(context.incident["subject"])
	context.parents = [{"route": "/incidents", "title": frappe._("My Incidents")}]
