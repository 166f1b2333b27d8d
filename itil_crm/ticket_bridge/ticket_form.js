// The ITIL incident of a Helpdesk ticket or an ERPNext Issue, in the desk: raise it, or open it
for (const doctype of ["HD Ticket", "Issue"]) {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			if (frm.is_new()) return;
			if (frm.doc.itil_incident) {
				frm.add_custom_button(__("ITIL Incident {0}", [frm.doc.itil_incident]), () =>
					frappe.set_route("Form", "ITIL Incident", frm.doc.itil_incident)
				);
				return;
			}
			frm.add_custom_button(__("Raise ITIL Incident"), () =>
				frappe
					.call("itil_crm.ticket_bridge.intake.raise_from_ticket", {
						doctype: frm.doctype,
						name: frm.doc.name,
					})
					.then(({ message }) => {
						frappe.show_alert({ message: __("ITIL Incident {0}", [message.name]), indicator: "green" });
						frm.reload_doc();
					})
			);
		},
	});
}
