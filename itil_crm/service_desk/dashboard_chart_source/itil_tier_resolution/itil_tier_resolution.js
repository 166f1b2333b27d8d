frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["ITIL Tier Resolution"] = {
	method: "itil_crm.service_desk.dashboard_chart_source.itil_tier_resolution.itil_tier_resolution.get",
	filters: [],
};
