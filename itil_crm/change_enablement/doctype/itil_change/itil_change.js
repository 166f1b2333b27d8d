// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// CAB votes: a member approves or rejects with a comment; the change is decided once the quorum votes.
frappe.ui.form.on("ITIL Change", {
	setup(frm) {
		frm.set_query("standard_template", () => ({ filters: { enabled: 1 } }));
	},
	refresh(frm) {
		const by_cab = ["CAB", "Emergency CAB"].includes(frm.doc.required_authority);
		if (frm.is_new() || frm.doc.status !== "Assessment" || !by_cab) return;
		for (const [decision, label] of [
			["Approve", __("Approve")],
			["Reject", __("Reject")],
		]) {
			frm.add_custom_button(
				label,
				() =>
					frappe.prompt(
						{ fieldname: "comment", fieldtype: "Small Text", label: __("Comment") },
						({ comment }) =>
							frappe
								.call({
									method: "itil_crm.change_enablement.authority.cast_vote",
									args: { change: frm.doc.name, decision, comment },
									type: "POST",
								})
								.then(() => frm.reload_doc()),
						__("{0} this change", [label])
					),
				__("CAB Vote")
			);
		}
	},
	// a standard change: the template's plans fill the empty ones at once (the server does it too)
	standard_template(frm) {
		if (!frm.doc.standard_template) return;
		frappe.db
			.get_value("ITIL Standard Change Template", frm.doc.standard_template, [
				"risk",
				"implementation_plan",
				"test_plan",
				"backout_plan",
			])
			.then(({ message }) => {
				for (const field of ["implementation_plan", "test_plan", "backout_plan"]) {
					if (!frm.doc[field] && message[field]) frm.set_value(field, message[field]);
				}
				if (message.risk) frm.set_value("risk", message.risk);
			});
	},
});
