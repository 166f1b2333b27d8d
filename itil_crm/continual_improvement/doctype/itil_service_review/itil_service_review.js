// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// A draft's figures are computed on demand (and once more on submit, then frozen).
const CUSTOMER_DOCTYPES = ["Customer", "HD Customer"];

frappe.ui.form.on("ITIL Service Review", {
	setup(frm) {
		frm.set_query("customer_type", () => ({
			filters: { name: ["in", CUSTOMER_DOCTYPES] },
		}));
		frm.set_query("service", () => ({ filters: { ci_type: "Business Service" } }));
		// the figures keep their section and KPI in English: shown in the reader's language
		for (const fieldname of ["section", "label", "dimension_value"]) {
			const df = frappe.meta.get_docfield("ITIL Service Review Figure", fieldname);
			if (df) df.formatter = (value) => frappe.utils.escape_html(__(value || ""));
		}
	},
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.add_custom_button(__("Compute Figures"), () =>
				frm.call("compute_figures").then(() => frm.reload_doc())
			);
		}
		if (frm.doc.docstatus === 1) {
			frm.set_intro(
				__("The figures were frozen on submit: later changes to incidents do not move them."),
				"blue"
			);
		}
	},
	scope(frm) {
		if (frm.doc.scope === "Customer" && !frm.doc.customer_type) {
			// ERPNext's Customer when ERPNext is installed (the server defaults it the same way)
			const erpnext = (frappe.boot.versions || {}).erpnext;
			frm.set_value("customer_type", erpnext ? "Customer" : "HD Customer");
		}
	},
});
