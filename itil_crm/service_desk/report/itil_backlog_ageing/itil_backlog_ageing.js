frappe.query_reports["ITIL Backlog Ageing"] = {
	filters: [
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Priority", label: __("Priority") },
				{ value: "Support Group", label: __("Support Group") },
				{ value: "Tier", label: __("Tier") },
				{ value: "Status", label: __("Status") },
			],
			default: "Priority",
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
