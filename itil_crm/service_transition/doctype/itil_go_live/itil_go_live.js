// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// The warranty period: checklist progress, the warranty incidents by priority with their SLA
// compliance, the exit criteria, and the final review's decision (close or extend).
frappe.ui.form.on("ITIL Go-Live", {
	refresh(frm) {
		const items = frm.doc.checklist || [];
		if (items.length) {
			const done = items.filter((row) => row.done).length;
			const today = frappe.datetime.get_today();
			const late = items.filter((row) => !row.done && row.due_date && row.due_date < today).length;
			frm.dashboard.set_headline_alert(
				late
					? __("Checklist: {0} of {1} done, {2} overdue", [done, items.length, late])
					: __("Checklist: {0} of {1} done", [done, items.length]),
				late ? "red" : done === items.length ? "green" : "orange"
			);
		}
		if (!frm.is_new()) {
			frm.add_custom_button(
				__("Warranty Incidents"),
				() => frappe.set_route("query-report", "ITIL Warranty Incidents", { go_live: frm.doc.name }),
				__("View")
			);
			render_warranty(frm);
		}
	},
	warranty_days(frm) {
		if (frm.doc.go_live_date && frm.doc.warranty_days > 0) {
			frm.doc.warranty_end = frappe.datetime.add_days(frm.doc.go_live_date, frm.doc.warranty_days);
			frm.refresh_field("warranty_end");
		}
	},
	warranty_end(frm) {
		if (frm.doc.go_live_date && frm.doc.warranty_end) {
			const days = frappe.datetime.get_diff(frm.doc.warranty_end, frm.doc.go_live_date);
			if (days !== frm.doc.warranty_days) frm.set_value("warranty_days", days);
		}
	},
	review_decision(frm) {
		if (frm.doc.review_decision === "Extend" && !frm.doc.extend_until && frm.doc.warranty_end) {
			frm.set_value("extend_until", frappe.datetime.add_days(frm.doc.warranty_end, 14));
		}
	},
});

function render_warranty(frm) {
	frappe
		.call("itil_crm.service_transition.warranty.warranty_summary", { go_live: frm.doc.name })
		.then(({ message }) => {
			const esc = frappe.utils.escape_html;
			const pct = (v) => (v === null || v === undefined ? "–" : `${v} %`);
			const rows = message.by_priority
				.map(
					(r) => `<tr><td>${esc(r.priority || __("None"))}</td><td>${r.incidents}</td>
					<td>${r.open}</td><td>${r.breached}</td><td>${pct(r.sla_compliance)}</td></tr>`
				)
				.join("");
			const table = rows
				? `<table class="table table-bordered table-sm"><thead><tr><th>${__("Priority")}</th>
					<th>${__("Incidents")}</th><th>${__("Open")}</th><th>${__("Breached")}</th>
					<th>${__("SLA Compliance")}</th></tr></thead><tbody>${rows}</tbody></table>`
				: `<p class="text-muted">${__("No warranty incident so far.")}</p>`;
			const overall = `<p>${__("SLA compliance during the warranty: {0} (target {1})", [
				pct(message.sla_compliance),
				pct(message.target),
			])}</p>`;
			const criteria = `<pre class="small">${esc(message.criteria_text || "")}</pre>`;
			frm.get_field("warranty_summary").$wrapper.html(table + overall + criteria);
		});
}
