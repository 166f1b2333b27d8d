// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// CAB votes: a member approves or rejects with a comment; the change is decided once the quorum votes.
frappe.ui.form.on("ITIL Change", {
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
});
