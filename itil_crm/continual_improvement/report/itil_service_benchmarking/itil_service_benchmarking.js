// Each figure links to the incidents behind it: the server names the list and its filters
// (itil_crm.continual_improvement.observatory.drill_down), the desk routes to it.
frappe.query_reports["ITIL Service Benchmarking"] = {
	filters: [
		{
			fieldname: "dimension",
			label: __("Compare"),
			fieldtype: "Select",
			options: [
				{ value: "Support Group", label: __("Support Group") },
				{ value: "Tier", label: __("Tier") },
				{ value: "Supplier", label: __("Supplier") },
				{ value: "Channel", label: __("Channel") },
				{ value: "Customer", label: __("Customer") },
			],
			default: "Support Group",
			reqd: 1,
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.month_start(), -1),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.month_start(), -1),
		},
		{
			fieldname: "kpi",
			label: __("KPI"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "incidents", label: __("Incidents") },
				{ value: "sla_met", label: __("SLA Met") },
				{ value: "ola_met", label: __("OLA Met") },
				{ value: "uc_met", label: __("UC Met") },
				{ value: "mttr_hours", label: __("MTTR (Service Hours)") },
				{ value: "first_response_hours", label: __("First Response (Service Hours)") },
				{ value: "first_contact_resolution", label: __("First Contact Resolution") },
				{ value: "tier_resolution", label: __("Tier Resolution") },
				{ value: "reopen_rate", label: __("Reopen Rate") },
				{ value: "known_error_workaround", label: __("Known Error Workaround") },
				{ value: "major_incidents", label: __("Major Incidents") },
				{ value: "major_incident_hours", label: __("Major Incident Duration (Hours)") },
			],
		},
	],
	formatter(value, row, column, data, default_formatter) {
		const shown = default_formatter(value, row, column, data);
		if (!column.drill_down || !data || value === null || value === undefined) {
			return shown;
		}
		const attrs = {
			kpi: column.drill_down,
			from: column.from_date,
			to: column.to_date,
			value: data.value === null || data.value === undefined ? "" : String(data.value),
		};
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
					dimension: report.get_filter_value("dimension"),
					value: link.attr("data-value"),
				})
				.then((found) => {
					frappe.route_options = found.route_options;
					frappe.set_route(found.route);
				});
		});
	},
};
