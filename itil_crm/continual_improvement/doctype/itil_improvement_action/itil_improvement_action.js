// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// An improvement action of the continual improvement register: its KPI's current value over the last
// full month (refreshed daily, or now with the button), against the baseline it had when created.
frappe.ui.form.on("ITIL Improvement Action", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.kpi_key && frm.perm[0]?.write) {
			frm.add_custom_button(__("Refresh KPI"), () =>
				frm.call("refresh_kpi").then(() => frm.reload_doc())
			);
		}
		const colors = { Better: "green", Worse: "red", Same: "blue", "Not Measured": "gray" };
		if (frm.doc.moved) {
			frm.dashboard.set_headline(
				__("The KPI moved: {0}", [__(frm.doc.moved)]),
				colors[frm.doc.moved] || "gray"
			);
		}
	},
});
