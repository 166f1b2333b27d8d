// Go-lives in the desk's Calendar view: from the go-live date to the end of the warranty period.
frappe.views.calendar["ITIL Go-Live"] = {
	field_map: {
		start: "go_live_date",
		end: "warranty_end",
		id: "name",
		title: "title",
		allDay: "all_day",
		status: "status",
	},
	style_map: {
		Planned: "info",
		"In Warranty": "warning",
		Extended: "danger",
		"Final Review": "success",
		Closed: "default",
	},
	get_events_method: "frappe.desk.calendar.get_events",
};
