// Helpdesk's agent app (/helpdesk): the ticket's "Raise ITIL Incident" action, or its incident.
// Installed by itil_crm as the HD Form Script "ITIL: Raise Incident" (ticket_bridge/intake_defaults.py).
function setupForm({ doc, call, toast }) {
	// the incident of this ticket (raised now, or the one it has) and the address of its form in the desk
	const raise = () =>
		call("itil_crm.ticket_bridge.intake.raise_from_ticket", { doctype: "HD Ticket", name: doc.name });
	const open = ({ url }) => window.open(url, "_blank");
	if (doc.itil_incident) {
		return { actions: [{ label: `ITIL Incident ${doc.itil_incident}`, onClick: () => raise().then(open) }] };
	}
	return {
		actions: [
			{
				label: "Raise ITIL Incident",
				onClick: async () => {
					const incident = await raise();
					doc.itil_incident = incident.name;
					(toast.success || toast.create || console.log)(`ITIL Incident ${incident.name}`);
					open(incident);
				},
			},
		],
	};
}
