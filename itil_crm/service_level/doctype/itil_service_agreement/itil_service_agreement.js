// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

frappe.ui.form.on("ITIL Service Agreement", {
	setup(frm) {
		frm.set_query("customer_type", () => ({
			filters: { name: ["in", ["Customer", "HD Customer"]] },
		}));
		frm.set_query("support_group", (doc) => ({
			filters: { is_external: doc.agreement_type === "UC" ? 1 : 0 },
		}));
	},
});
