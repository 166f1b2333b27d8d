// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("ITIL Supplier Exchange", {
	refresh(frm) {
		if (frm.doc.direction === "Outbound" && frm.doc.status === "Failed") {
			frm.add_custom_button(__("Resend"), () =>
				frappe
					.call({
						method: "itil_crm.service_level.supplier_connector.resend",
						args: { exchange: frm.doc.name },
						type: "POST",
					})
					.then(() => frm.reload_doc())
			);
		}
	},
});
