// Each figure links to the incidents behind it: the server names the list and its filters
// (itil_crm.continual_improvement.observatory.drill_down), the desk routes to it.
frappe.query_reports["ITIL KPI Trends"] = {
	filters: [
		{
			fieldname: "month",
			label: __("Last Month Shown"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.month_start(), -1),
		},
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
			get_query: () => ({ filters: { ci_type: "Business Service" } }),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		const shown = default_formatter(value, row, column, data);
		if (!column.from_date || !data || value === null || value === undefined) {
			return shown;
		}
		const attrs = { kpi: data.kpi, from: column.from_date, to: column.to_date };
		const data_attrs = Object.entries(attrs)
			.map(([k, v]) => `data-${k}="${frappe.utils.escape_html(v)}"`)
			.join(" ");
		return `<a href="#" class="itil-drill-down" ${data_attrs}>${shown}</a>`;
	},
	onload(report) {
		report.page.wrapper.on("click", "a.itil-drill-down", (event) => {
			event.preventDefault();
			const link = $(event.currentTarget);
			frappe
				.xcall("itil_crm.continual_improvement.observatory.drill_down", {
					kpi: link.attr("data-kpi"),
					from_date: link.attr("data-from"),
					to_date: link.attr("data-to"),
					customer_type: report.get_filter_value("customer_type"),
					customer: report.get_filter_value("customer"),
					service: report.get_filter_value("service"),
				})
				.then((found) => {
					frappe.route_options = found.route_options;
					frappe.set_route(found.route);
				});
		});
	},
};
