// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.query_reports["ITIL Warranty Incidents"] = {
	filters: [
		{ fieldname: "go_live", label: __("Go-Live"), fieldtype: "Link", options: "ITIL Go-Live" },
		{
			fieldname: "include_closed",
			label: __("Include Closed Go-Lives"),
			fieldtype: "Check",
			default: 0,
		},
	],
};
