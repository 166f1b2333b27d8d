// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("ITIL Service Calendar", {
	setup(frm) {
		frm.set_df_property("timezone", "options", frappe.all_timezones || []);
	},
	refresh(frm) {
		if (!frm.is_new() && !frm.doc.is_24x7) {
			frm.add_custom_button(__("Import Holidays"), () => {
				frm.call("import_holidays").then((r) => {
					frappe.show_alert({
						message: __("{0} holidays added", [r.message || 0]),
						indicator: "green",
					});
					frm.reload_doc();
				});
			});
		}
	},
});
