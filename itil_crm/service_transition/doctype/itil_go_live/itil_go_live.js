// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("ITIL Go-Live", {
	refresh(frm) {
		const items = frm.doc.checklist || [];
		if (items.length) {
			const done = items.filter((row) => row.done).length;
			frm.dashboard.set_headline_alert(
				__("Checklist: {0} of {1} done", [done, items.length]),
				done === items.length ? "green" : "orange"
			);
		}
	},
});
