frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["ITIL Maturity by Practice"] = {
	method: "itil_crm.continual_improvement.dashboard_chart_source.itil_maturity_by_practice.itil_maturity_by_practice.get",
	filters: [],
};
