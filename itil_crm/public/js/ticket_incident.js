// The ITIL incident of a Helpdesk ticket or an ERPNext Issue: raise it, or open it
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
					.call("itil_crm.service_desk.ticket_bridge.raise_incident", {
						doctype: frm.doctype,
						name: frm.doc.name,
					})
					.then((r) => {
						frappe.show_alert({ message: __("ITIL Incident {0}", [r.message]), indicator: "green" });
						frm.reload_doc();
					})
			);
		},
	});
}
