// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.listview_settings["ITIL Improvement Action"] = {
	add_fields: ["status", "moved"],
	get_indicator(doc) {
		const colors = { Open: "orange", "In Progress": "blue", Done: "green", Cancelled: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
