// The change schedule in the desk: Calendar view of ITIL Change on the planned window.
frappe.views.calendar["ITIL Change"] = {
	field_map: {
		start: "planned_start",
		end: "planned_end",
		id: "name",
		title: "title",
		allDay: "all_day",
		status: "status",
	},
	style_map: {
		Assessment: "warning",
		Authorized: "info",
		Scheduled: "info",
		Implementing: "danger",
		Review: "success",
		Closed: "default",
		"Backed Out": "default",
	},
	get_events_method: "frappe.desk.calendar.get_events",
};
