// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// A wrong candidate problem (raised by the candidate-problem job): dismissed with a reason, its
// incidents unlinked and never proposed together again (itil_crm.problem_management.candidates.dismiss)
frappe.ui.form.on("ITIL Problem", {
	refresh(frm) {
		const open = ["New", "Under Investigation"].includes(frm.doc.status);
		if (frm.is_new() || !frm.doc.raised_automatically || !open || !frm.perm[0]?.write) return;
		frm.add_custom_button(__("Dismiss Candidate"), () =>
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Why Is It Not a Problem?") },
				({ reason }) =>
					frappe
						.call({
							method: "itil_crm.problem_management.candidates.dismiss",
							args: { problem: frm.doc.name, reason },
							type: "POST",
						})
						.then((r) => {
							frappe.show_alert({
								message: __("{0} incidents unlinked", [r.message]),
								indicator: "green",
							});
							frm.reload_doc();
						}),
				__("Dismiss Candidate"),
				__("Dismiss")
			)
		);
	},
});
