// Deadlines and ages in the desk, right whatever the viewer's time zone (issue 23).
// Frappe stores a Datetime as naive text in the system time zone: read as the browser's local time
// (new Date, frappe.datetime.str_to_obj) it is off by the gap between the two zones. Here a stored time
// is read in frappe.boot.time_zone.system with the moment-timezone Frappe ships (as its own
// convert_to_user_tz does), compared with the true now for a relative time, and shown in the user's zone
// (frappe.boot.time_zone.user, as Frappe shows Datetime fields) with that zone's name.
// Loaded with the forms and lists that need it (hooks.py doctype_js, doctype_list_js); a block, so that
// being loaded by several of them declares nothing twice.
{
	frappe.provide("itil_crm.desk_time");
	const zones = () => frappe.boot.time_zone || {};
	const system_zone = () => zones().system || frappe.sys_defaults.time_zone || moment.tz.guess();
	const user_zone = () => zones().user || system_zone();

	Object.assign(itil_crm.desk_time, {
		// the instant a stored datetime (system zone) stands for
		instant(value) {
			return moment.tz(value, system_zone());
		},
		// "in 2h 5m" or "1d 3h 0m ago", from now
		relative(value) {
			const seconds = Math.round(itil_crm.desk_time.instant(value).diff(moment()) / 1000);
			const abs = Math.abs(seconds);
			const parts = [];
			if (abs >= 86400) parts.push(`${Math.floor(abs / 86400)}d`);
			if (abs >= 3600) parts.push(`${Math.floor((abs % 86400) / 3600)}h`);
			parts.push(`${Math.floor((abs % 3600) / 60)}m`);
			return seconds >= 0 ? __("in {0}", [parts.join(" ")]) : __("{0} ago", [parts.join(" ")]);
		},
		// "Tue 8 Dec 14:00 (America/New_York)": in the user's zone, which is named
		absolute(value) {
			const zone = user_zone();
			return `${itil_crm.desk_time.instant(value).tz(zone).format("ddd D MMM HH:mm")} (${zone})`;
		},
		// "in 2h 5m · Tue 8 Dec 14:00 (America/New_York)"
		deadline(value) {
			if (!value) return "";
			return `${itil_crm.desk_time.relative(value)} · ${itil_crm.desk_time.absolute(value)}`;
		},
	});

	// The deadlines shown by Frappe's own renderers (Kanban cards, list and report columns, read-only form
	// fields) say how far they are and in which zone: the field's formatter, the hook Frappe documents
	// (frappe.form.formatters._apply_custom_formatter), set on the doctype's fields once its meta is loaded.
	const DEADLINES = {
		"ITIL Incident": ["response_by", "resolution_by"],
		"ITIL Change": ["planned_start", "planned_end"],
	};
	for (const [doctype, fieldnames] of Object.entries(DEADLINES)) {
		for (const fieldname of fieldnames) {
			const df = (frappe.meta.docfield_map[doctype] || {})[fieldname];
			if (df) df.formatter = (value) => itil_crm.desk_time.deadline(value);
		}
	}
}
