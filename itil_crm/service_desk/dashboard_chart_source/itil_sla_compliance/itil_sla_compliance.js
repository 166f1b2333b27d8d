frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["ITIL SLA Compliance"] = {
	method: "itil_crm.service_desk.dashboard_chart_source.itil_sla_compliance.itil_sla_compliance.get",
	filters: [],
};
