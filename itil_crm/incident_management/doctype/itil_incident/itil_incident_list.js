const ITIL_SLA_COLORS = {
	"On Track": "green",
	Warning: "orange",
	Paused: "blue",
	Breached: "red",
	Met: "green",
	Missed: "red",
};

frappe.listview_settings["ITIL Incident"] = {
	add_fields: ["status", "priority", "sla_status", "resolution_by"],
	get_indicator(doc) {
		const colors = {
			New: "red",
			Assigned: "orange",
			"In Progress": "blue",
			"On Hold": "gray",
			Resolved: "green",
			Closed: "darkgrey",
			Cancelled: "darkgrey",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		// many incidents, one problem: link the selected incidents in one go
		listview.page.add_actions_menu_item(__("Link to Problem"), () => {
			const incidents = listview.get_checked_items(true);
			if (!incidents.length) return;
			const dialog = new frappe.ui.Dialog({
				title: __("Link {0} incidents to a problem", [incidents.length]),
				fields: [
					{
						fieldname: "problem",
						fieldtype: "Link",
						options: "ITIL Problem",
						label: __("Problem"),
						reqd: 1,
						get_query: () => ({ filters: { status: ["not in", ["Closed"]] } }),
					},
				],
				primary_action_label: __("Link"),
				primary_action({ problem }) {
					frappe
						.call("itil_crm.problem_management.problems.link_incidents", { problem, incidents })
						.then(({ message }) => {
							dialog.hide();
							frappe.show_alert({
								message: __("{0} incidents linked to {1}", [message, problem]),
								indicator: "green",
							});
							listview.refresh();
						});
				},
			});
			dialog.show();
		});
	},
	formatters: {
		sla_status(value) {
			return value
				? `<span class="indicator-pill ${ITIL_SLA_COLORS[value] || "gray"}">${__(value)}</span>`
				: "";
		},
	},
};
