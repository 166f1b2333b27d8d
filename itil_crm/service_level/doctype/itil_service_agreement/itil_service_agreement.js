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
	refresh(frm) {
		// a new SLA is a default agreement until the admin scopes it to a customer or a group
		if (frm.is_new()) set_default_from_scope(frm);
	},
	agreement_type: set_default_from_scope,
	customer: set_default_from_scope,
	sla_customer_group: set_default_from_scope,
});

function set_default_from_scope(frm) {
	if (frm.doc.agreement_type !== "SLA") return;
	const scoped = Boolean(frm.doc.customer || frm.doc.sla_customer_group);
	if (Boolean(frm.doc.is_default) === scoped) frm.set_value("is_default", scoped ? 0 : 1);
}
