frappe.query_reports["ITIL Incident Review"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
		},
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "problem", label: __("Problem"), fieldtype: "Link", options: "ITIL Problem" },
		{ fieldname: "known_error", label: __("Known Error"), fieldtype: "Link", options: "ITIL Known Error" },
	],
};
