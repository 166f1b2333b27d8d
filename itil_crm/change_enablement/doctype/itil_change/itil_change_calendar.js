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
	// the Gantt view reads the same window; a change's bar fills as it moves through its lifecycle
	gantt: {
		field_map: {
			start: "planned_start",
			end: "planned_end",
			id: "name",
			title: "title",
			progress: (change) =>
				({ Authorized: 20, Scheduled: 30, Implementing: 60, Review: 90, Closed: 100 })[
					change.status
				] || 0,
		},
	},
};
