// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("ITIL Service Review Schedule", {
	setup(frm) {
		frm.set_query("customer_type", () => ({
			filters: { name: ["in", ["Customer", "HD Customer"]] },
		}));
		frm.set_query("service", () => ({ filters: { ci_type: "Business Service" } }));
	},
	scope(frm) {
		if (frm.doc.scope === "Customer" && !frm.doc.customer_type) {
			// ERPNext's Customer when ERPNext is installed (the server defaults it the same way)
			const erpnext = (frappe.boot.versions || {}).erpnext;
			frm.set_value("customer_type", erpnext ? "Customer" : "HD Customer");
		}
	},
});
