frappe.listview_settings["ITIL Incident"] = {
	add_fields: ["status", "priority", "sla_status"],
	get_indicator(doc) {
		const colors = {
			New: "red",
			Assigned: "orange",
			"In Progress": "blue",
			"On Hold": "gray",
			Resolved: "green",
			Closed: "darkgrey",
			Cancelled: "darkgrey",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
