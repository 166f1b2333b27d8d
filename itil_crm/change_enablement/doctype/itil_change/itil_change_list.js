frappe.listview_settings["ITIL Change"] = {
	onload(listview) {
		// a private link to the change schedule for Outlook, Google Calendar or Thunderbird
		listview.page.add_menu_item(__("Subscribe to the Change Schedule"), () => {
			frappe.confirm(
				__("Create your private calendar link? A link you created before stops working."),
				() =>
					frappe
						.call({
							method: "itil_crm.change_enablement.schedule.calendar_feed_url",
							type: "POST",
						})
						.then(({ message }) => {
							const dialog = new frappe.ui.Dialog({
								title: __("Your Change Schedule Link"),
								fields: [
									{ fieldtype: "Data", fieldname: "url", label: __("Calendar URL"), read_only: 1, default: message },
									{
										fieldtype: "HTML",
										options: `<p class="text-muted small">${__(
											"Add it to your calendar as a subscription (by URL). Keep it private: it shows the changes you may read."
										)}</p>`,
									},
								],
							});
							dialog.show();
						})
			);
		});
		listview.page.add_menu_item(__("Change Calendar"), () => frappe.set_route("List", "ITIL Change", "Calendar"));
	},
};
