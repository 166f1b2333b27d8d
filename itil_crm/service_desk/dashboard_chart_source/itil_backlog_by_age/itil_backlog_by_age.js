frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["ITIL Backlog By Age"] = {
	method: "itil_crm.service_desk.dashboard_chart_source.itil_backlog_by_age.itil_backlog_by_age.get",
	filters: [],
};
