// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("ITIL Incident", {
	setup(frm) {
		frm.set_query("customer_type", () => ({
			filters: { name: ["in", ["Customer", "HD Customer"]] },
		}));
		frm.set_query("source_type", () => ({
			filters: { name: ["in", ["HD Ticket", "Issue"]] },
		}));
		frm.set_query("known_error", () => ({ filters: { published: 1 } }));
		frm.set_query("problem", () => ({ filters: { status: ["not in", ["Closed"]] } }));
	},
	refresh(frm) {
		if (!frm.is_new() && frm.doc.known_error && !["Resolved", "Closed", "Cancelled"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Apply Workaround"), () =>
				frm
					.call("apply_known_error", { known_error: frm.doc.known_error })
					.then(() => frm.reload_doc())
			);
		}
		if (frm.doc.sla_status) {
			const colors = {
				"On Track": "green",
				Warning: "orange",
				Paused: "blue",
				Breached: "red",
				Met: "green",
				Missed: "red",
			};
			frm.dashboard.set_headline_alert(
				`<span class="indicator ${colors[frm.doc.sla_status] || "gray"}">${__("SLA")}: ${__(
					frm.doc.sla_status
				)}</span>`
			);
		}
	},
	channel(frm) {
		if (frm.doc.channel && !frm.doc.urgency) {
			frappe.db.get_value("ITIL Channel", frm.doc.channel, "default_urgency").then((r) => {
				if (r.message && r.message.default_urgency) {
					frm.set_value("urgency", r.message.default_urgency);
				}
			});
		}
	},
});
