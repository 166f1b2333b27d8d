frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["ITIL KPI Trend"] = {
	method: "itil_crm.continual_improvement.dashboard_chart_source.itil_kpi_trend.itil_kpi_trend.get",
	filters: [
		{ fieldname: "kpi", label: __("KPI"), fieldtype: "Data", reqd: 1 },
		{ fieldname: "customer_type", label: __("Customer Type"), fieldtype: "Link", options: "DocType" },
		{
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Dynamic Link",
			options: "customer_type",
		},
		{
			fieldname: "service",
			label: __("Business Service"),
			fieldtype: "Link",
			options: "ITIL Configuration Item",
		},
	],
};
