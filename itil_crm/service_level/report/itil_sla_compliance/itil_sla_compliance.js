frappe.query_reports["ITIL SLA Compliance"] = {
	filters: [
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["Priority", "Support Group", "Supplier", "Month"],
			default: "Priority",
			reqd: 1,
		},
		{
			fieldname: "agreement_type",
			label: __("Agreement"),
			fieldtype: "Select",
			options: ["", "SLA", "OLA", "UC"],
		},
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date" },
	],
};
