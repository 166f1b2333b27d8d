// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

const SLA_COLORS = {
	"On Track": "green",
	Warning: "orange",
	Paused: "blue",
	Breached: "red",
	Met: "green",
	Missed: "red",
};
// the incident's open statuses, from its lifecycle on the server (itil_crm.engines.lifecycle)
const OPEN = frappe.boot.itil.open_statuses;

// "in 2h 5m, Tue 8 Dec 14:00 (America/New_York)": how far the deadline is and when, in a named zone, right
// whatever the browser's zone (service_level/desk_time.js, loaded with this form by hooks.py)
function countdown(target) {
	return `${itil_crm.desk_time.relative(target)}, ${itil_crm.desk_time.absolute(target)}`;
}

function render_sla(frm) {
	const doc = frm.doc;
	if (!doc.sla_status) return;
	const bits = [`${__("SLA")}: ${__(doc.sla_status)}`];
	if (OPEN.includes(doc.status) && doc.sla_status !== "Paused") {
		if (!doc.first_responded_on && doc.response_by)
			bits.push(`${__("response due")} ${countdown(doc.response_by)}`);
		if (doc.resolution_by) bits.push(`${__("resolution due")} ${countdown(doc.resolution_by)}`);
	}
	// an indicator in the form dashboard, beside the Connections; replaced on every tick
	if (frm.__sla_indicator) frm.__sla_indicator.remove();
	frm.__sla_indicator = frm.dashboard.add_indicator(bits.join(" · "), SLA_COLORS[doc.sla_status] || "gray");
}

// An incident opened by a monitoring alert: how often it fired and when it was last seen.
function render_monitoring(frm) {
	if (frm.is_new() || frm.doc.channel !== "Monitoring Event") return;
	frappe
		.call("itil_crm.service_desk.monitoring_events.monitoring_summary", { incident: frm.doc.name })
		.then(({ message }) => {
			if (!message) return;
			frm.dashboard.add_indicator(
				__("Monitoring: {0} occurrences, last seen {1} ({2})", [
					message.occurrences,
					itil_crm.desk_time.relative(message.last_seen),
					__(message.alert_status),
				]),
				message.alert_status === "Firing" ? "red" : "green"
			);
		});
}

// Sent to a supplier (a UC leg with a connector): a message for the supplier goes with the next send.
function add_supplier_button(frm) {
	const legs = ((frm.doc.__onload?.history || {}).legs || {}).rows || [];
	const external = legs.some((leg) => leg.is_external && leg.supplier_reference);
	if (frm.is_new() || !external) return;
	frm.add_custom_button(__("Message Supplier"), () =>
		frappe.prompt(
			{ fieldname: "message", fieldtype: "Small Text", label: __("Message"), reqd: 1 },
			({ message }) =>
				frappe
					.call({
						method: "itil_crm.service_level.supplier_connector.message_supplier",
						args: { incident: frm.doc.name, message },
						type: "POST",
					})
					.then(() => frm.reload_doc()),
			__("Message the Supplier")
		)
	);
}

// Known errors that look like this incident (text and CI), while it is logged or worked: one call,
// debounced while the agent types; "Apply Workaround" resolves it at the current tier.
function suggest_known_errors(frm, wait = 600) {
	const field = frm.get_field("known_error_suggestions");
	if (!field || !OPEN.concat([undefined, ""]).includes(frm.doc.status)) return;
	clearTimeout(frm.__ke_timer);
	frm.__ke_timer = setTimeout(() => {
		if (!frm.doc.subject && !frm.doc.description && !frm.doc.configuration_item) {
			field.$wrapper.html("");
			return;
		}
		frappe
			.call({
				method: "itil_crm.problem_management.known_error_search.suggest_known_errors",
				args: {
					subject: frm.doc.subject || "",
					description: frm.doc.description || "",
					configuration_item: frm.doc.configuration_item || "",
				},
				type: "POST",
			})
			.then(({ message }) => render_suggestions(frm, field, message || []));
	}, wait);
}

function render_suggestions(frm, field, rows) {
	if (!rows.length) {
		field.$wrapper.html(`<p class="text-muted small">${__("No known error matches yet.")}</p>`);
		return;
	}
	const esc = frappe.utils.escape_html;
	field.$wrapper.html(
		`<div class="itil-ke-suggestions">${rows
			.map(
				(r) => `<div class="border rounded p-2 mb-2" data-known-error="${esc(r.name)}">
				<div class="d-flex justify-content-between">
					<a href="${frappe.utils.get_form_link("ITIL Known Error", r.name)}">${esc(r.name)}: ${esc(r.title)}</a>
					<span class="indicator-pill ${r.score >= 60 ? "green" : r.score >= 30 ? "orange" : "gray"}">${r.score}</span>
				</div>
				<div class="small text-muted">${r.ci_match ? __("Same configuration item") + " · " : ""}${__("Applied {0} times", [r.workaround_uses || 0])}</div>
				${r.has_workaround ? `<div class="small mt-1">${esc(frappe.utils.html2text(r.workaround || "").slice(0, 240))}</div>
				<button class="btn btn-xs btn-default mt-1" data-apply="${esc(r.name)}">${frm.is_new() ? __("Link") : __("Apply Workaround")}</button>` : ""}
			</div>`
			)
			.join("")}</div>`
	);
	field.$wrapper.find("[data-apply]").on("click", (e) => {
		const name = e.currentTarget.dataset.apply;
		if (frm.is_new()) {
			frm.set_value("known_error", name);
			return;
		}
		frappe.confirm(__("Resolve this incident with the workaround of {0}?", [name]), () =>
			frm.call("apply_known_error", { known_error: name }).then(() => frm.reload_doc())
		);
	});
}

frappe.ui.form.on("ITIL Incident", {
	setup(frm) {
		// the server sets the tier from the group on save; the form shows it at once
		frm.add_fetch("support_group", "tier", "tier");
		frm.set_query("customer_type", () => ({
			filters: { name: ["in", ["Customer", "HD Customer"]] },
		}));
		frm.set_query("source_type", () => ({
			filters: { name: ["in", ["HD Ticket", "Issue"]] },
		}));
		frm.set_query("known_error", () => ({ filters: { published: 1 } }));
		frm.set_query("problem", () => ({ filters: { status: ["not in", ["Closed"]] } }));
	},
	subject: (frm) => suggest_known_errors(frm),
	description: (frm) => suggest_known_errors(frm),
	configuration_item: (frm) => suggest_known_errors(frm),
	refresh(frm) {
		suggest_known_errors(frm, 0);
		render_sla(frm);
		clearInterval(frm.__sla_timer);
		frm.__sla_timer = setInterval(() => render_sla(frm), 30000);
		render_monitoring(frm);
		render_history(frm);
		add_supplier_button(frm);
		if (frm.is_new() || !OPEN.includes(frm.doc.status)) return;
		add_merge_buttons(frm);
		if (frm.doc.known_error) {
			frm.add_custom_button(__("Apply Workaround"), () =>
				frm
					.call("apply_known_error", { known_error: frm.doc.known_error })
					.then(() => frm.reload_doc())
			);
		}
		frm.add_custom_button(__("Escalate"), () => {
			const dialog = new frappe.ui.Dialog({
				title: __("Functional Escalation"),
				fields: [
					{
						fieldname: "to_group",
						fieldtype: "Link",
						options: "ITIL Support Group",
						label: __("To Group"),
						description: __("Empty: the next tier of the current group"),
					},
					{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
				],
				primary_action_label: __("Escalate"),
				primary_action(values) {
					frm.call("escalate", values).then(() => {
						dialog.hide();
						frm.reload_doc();
					});
				},
			});
			dialog.show();
		});
	},
	channel(frm) {
		if (frm.doc.channel && !frm.doc.urgency) {
			frappe.db.get_value("ITIL Channel", frm.doc.channel, "default_urgency").then((r) => {
				if (r.message && r.message.default_urgency) {
					frm.set_value("urgency", r.message.default_urgency);
				}
			});
		}
	},
});

// Merge this incident into one of its possible duplicates, or into any open incident
function add_merge_buttons(frm) {
	const merge = (into) =>
		frappe.confirm(
			__("Resolve {0} as a duplicate of {1}? Its tickets and caller follow {1}.", [frm.doc.name, into]),
			() =>
				frappe
					.call("itil_crm.incident_management.duplicates.merge", { incident: frm.doc.name, into })
					.then(() => frm.reload_doc())
		);
	for (const line of (frm.doc.possible_duplicates || "").split("\n")) {
		const name = line.split(" ")[0];
		if (name) frm.add_custom_button(__("Merge into {0}", [line]), () => merge(name), __("Duplicate"));
	}
	frm.add_custom_button(
		__("Merge into..."),
		() =>
			frappe.prompt(
				{
					fieldname: "into",
					fieldtype: "Link",
					options: "ITIL Incident",
					label: __("Master Incident"),
					reqd: 1,
					get_query: () => ({ filters: { status: ["in", OPEN], name: ["!=", frm.doc.name] } }),
				},
				(v) => merge(v.into),
				__("Merge")
			),
		__("Duplicate")
	);
}

// The incident's history records (its own doctypes, written by the server): legs, escalations and clock
// events, as read-only tables from the form's onload (columns and rows: incident_management/history.py).
// A date or a number is shown as Frappe shows any field of its type (a Datetime in the user's time zone).
const HISTORY = { legs_html: "legs", escalations_html: "escalations", sla_events_html: "events" };
const FORMATTED = ["Datetime", "Date", "Int", "Float", "Percent", "Duration"];

function render_history(frm) {
	const history = (frm.doc.__onload || {}).history || {};
	for (const [fieldname, key] of Object.entries(HISTORY)) {
		const field = frm.get_field(fieldname);
		const table = history[key];
		if (!field) continue;
		if (frm.is_new() || !table) {
			field.$wrapper.html("");
			continue;
		}
		if (!table.rows.length) {
			field.$wrapper.html(`<p class="text-muted small">${__("None yet.")}</p>`);
			continue;
		}
		// dates and numbers as Frappe formats any field of their type; text escaped, words translated
		const cell = (row, df) => {
			const value = row[df.fieldname];
			if (df.fieldtype === "Check") return value ? "&#10003;" : "";
			if (FORMATTED.includes(df.fieldtype)) return frappe.format(value, df, { only_value: true }, row);
			return frappe.utils.escape_html(value == null ? "" : __(String(value)));
		};
		field.$wrapper.html(`<div class="table-responsive itil-history" data-doctype="${table.doctype}">
			<table class="table table-bordered table-sm small">
				<thead><tr>${table.columns.map((df) => `<th>${__(df.label)}</th>`).join("")}</tr></thead>
				<tbody>${table.rows
					.map((row) => `<tr>${table.columns.map((df) => `<td>${cell(row, df)}</td>`).join("")}</tr>`)
					.join("")}</tbody>
			</table>
		</div>`);
	}
}
