frappe.query_reports["ITIL MTTR and First Response"] = {
	filters: [
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Priority", label: __("Priority") },
				{ value: "Support Group", label: __("Support Group") },
				{ value: "Month", label: __("Month") },
			],
			default: "Priority",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{ fieldname: "priority", label: __("Priority"), fieldtype: "Link", options: "ITIL Priority" },
		{
			fieldname: "support_group",
			label: __("Support Group"),
			fieldtype: "Link",
			options: "ITIL Support Group",
		},
	],
};
