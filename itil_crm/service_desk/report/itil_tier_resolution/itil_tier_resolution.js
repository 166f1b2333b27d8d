frappe.query_reports["ITIL Tier Resolution"] = {
	filters: [
		{ fieldname: "from_date", label: __("Since"), fieldtype: "Date" },
		{ fieldname: "target", label: __("Target %"), fieldtype: "Percent" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "rate" && data && data.below_target) {
			value = `<span style="color: var(--red-600)">${value}</span>`;
		}
		return value;
	},
};
