const ITIL_SLA_COLORS = {
	"On Track": "green",
	Warning: "orange",
	Paused: "blue",
	Breached: "red",
	Met: "green",
	Missed: "red",
};

frappe.listview_settings["ITIL Incident"] = {
	add_fields: ["status", "priority", "sla_status", "resolution_by"],
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
	formatters: {
		sla_status(value) {
			return value
				? `<span class="indicator-pill ${ITIL_SLA_COLORS[value] || "gray"}">${__(value)}</span>`
				: "";
		},
	},
};
