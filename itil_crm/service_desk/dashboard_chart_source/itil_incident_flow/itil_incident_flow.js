frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["ITIL Incident Flow"] = {
	method: "itil_crm.service_desk.dashboard_chart_source.itil_incident_flow.itil_incident_flow.get",
	filters: [],
};
