// The agent's queues, one click from the list (Queues menu): each replaces the list's filters
function itil_queue(listview, filters) {
	const dt = "ITIL Incident";
	return listview.filter_area
		.clear(false)
		.then(() => listview.filter_area.add(filters.map((f) => [dt, ...f])));
}

function itil_add_queues(listview) {
	// the incident's open statuses, from its lifecycle on the server (itil_crm.engines.lifecycle)
	const open = ["status", "in", frappe.boot.itil.open_statuses];
	const queues = [
		[__("My Incidents"), () => [["_assign", "like", `%${frappe.session.user}%`], open]],
		[
			__("My Group's Queue"),
			() =>
				frappe
					.xcall("itil_crm.service_desk.queues.my_support_groups")
					.then((groups) => {
						if (!groups.length) {
							frappe.msgprint(__("You are not a member of any support group."));
							return null;
						}
						return [["support_group", "in", groups], open];
					}),
		],
		[__("Unassigned"), () => [["status", "=", "New"]]],
		[__("Breached"), () => [["sla_status", "=", "Breached"], open]],
		[__("Due Today"), () => [["resolution_by", "Timespan", "today"], open]],
	];
	for (const [label, filters] of queues) {
		listview.page.add_inner_button(
			label,
			() =>
				Promise.resolve(filters()).then((f) => {
					if (f) itil_queue(listview, f);
				}),
			__("Queues")
		);
	}
}

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
		itil_add_queues(listview);
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
		// the SLA state, and while the clock runs how far the resolution deadline is (right in any browser
		// zone: service_level/desk_time.js); the deadline itself, in a named zone, on hover
		sla_status(value, df, doc) {
			if (!value) return "";
			const running =
				doc &&
				doc.resolution_by &&
				frappe.boot.itil.open_statuses.includes(doc.status) &&
				!["Paused", "Met", "Missed"].includes(value);
			const due = running ? ` · ${itil_crm.desk_time.relative(doc.resolution_by)}` : "";
			const title = running
				? ` title="${frappe.utils.escape_html(
						`${__("resolution due")} ${itil_crm.desk_time.absolute(doc.resolution_by)}`
				  )}"`
				: "";
			return `<span class="indicator-pill ${ITIL_SLA_COLORS[value] || "gray"}"${title}>${__(value)}${due}</span>`;
		},
	},
};
