// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("ITIL Service Calendar", {
	setup(frm) {
		frm.set_df_property("timezone", "options", frappe.all_timezones || []);
	},
	refresh(frm) {
		show_zone_in_use(frm);
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
	follow_system_time_zone(frm) {
		if (frm.doc.follow_system_time_zone && frappe.boot.time_zone) {
			frm.set_value("timezone", frappe.boot.time_zone.system);
		}
		show_zone_in_use(frm);
	},
	timezone(frm) {
		show_zone_in_use(frm);
	},
});

// The zone deadlines are computed in, said in words at the top of the form
function show_zone_in_use(frm) {
	const zone = frm.doc.timezone;
	if (!zone) return;
	const message = frm.doc.follow_system_time_zone
		? __("Deadlines are computed in {0}, the system time zone (System Settings); they move with it.", [zone])
		: __("Deadlines are computed in {0}, chosen for this calendar.", [zone]);
	frm.set_intro(message, frm.doc.follow_system_time_zone ? "blue" : "yellow");
}
