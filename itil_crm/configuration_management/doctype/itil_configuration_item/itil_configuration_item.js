// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// The Impact tab: what this CI breaks (upstream, up to the business services) and what it stands on
// (downstream), as trees, with the open incidents, problems and changes on that set.
frappe.ui.form.on("ITIL Configuration Item", {
	refresh(frm) {
		if (frm.is_new()) {
			frm.get_field("impact_view").$wrapper.html(
				`<p class="text-muted">${__("Save the configuration item to see its impact.")}</p>`
			);
			return;
		}
		itil_crm_impact.render(frm, frm.__impact_depth || 3);
		for (const [doctype, label] of [
			["ITIL Incident", __("Incident")],
			["ITIL Problem", __("Problem")],
			["ITIL Known Error", __("Known Error")],
			["ITIL Change", __("Change")],
			["ITIL Go-Live", __("Go-Live")],
		]) {
			if (!frappe.model.can_create(doctype)) continue;
			frm.add_custom_button(label, () => itil_crm_impact.new_record(frm, doctype), __("Create"));
		}
	},
});

const itil_crm_impact = {
	render(frm, depth) {
		const $wrapper = frm.get_field("impact_view").$wrapper;
		frappe
			.call("itil_crm.configuration_management.impact.impact_analysis", { ci: frm.doc.name, depth })
			.then(({ message }) => {
				frm.__impact_depth = depth;
				$wrapper.html(this.html(message));
				$wrapper.find("select.impact-depth").val(String(depth)).on("change", (e) => {
					this.render(frm, Number(e.target.value));
				});
			});
	},

	tree(rows, root) {
		// rows carry the CI they were reached from: nest them under it
		const children = {};
		for (const r of rows) (children[r.via] = children[r.via] || []).push(r);
		const branch = (ci) =>
			(children[ci] || [])
				.map(
					(r) => `<li data-ci="${frappe.utils.escape_html(r.ci)}">
						<span class="text-muted small">${__(r.relationship)}</span>
						<a href="${frappe.utils.get_form_link("ITIL Configuration Item", r.ci)}">${frappe.utils.escape_html(r.ci_name || r.ci)}</a>
						<span class="text-muted small">${__(r.ci_type || "")} · ${__(r.environment || "")}${r.lifecycle_status === "Retired" ? " · " + __("Retired") : ""}</span>
						${r.is_business_service ? `<span class="indicator-pill blue">${__("Business Service")}</span>` : ""}
						<ul>${branch(r.ci)}</ul>
					</li>`
				)
				.join("");
		const body = branch(root);
		return body ? `<ul class="itil-impact-tree">${body}</ul>` : `<p class="text-muted">${__("Nothing")}</p>`;
	},

	html(m) {
		const records = Object.entries(m.records)
			.map(([doctype, rows]) =>
				rows.length
					? `<h6>${__(doctype)} (${rows.length})</h6><ul>${rows
							.map(
								(r) => `<li><a href="${frappe.utils.get_form_link(doctype, r.name)}">${frappe.utils.escape_html(r.name)}</a>
								${frappe.utils.escape_html(r.title || "")} <span class="text-muted small">${__(r.status)} · ${frappe.utils.escape_html(r.ci)}</span></li>`
							)
							.join("")}</ul>`
					: ""
			)
			.join("");
		const depths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => `<option>${d}</option>`).join("");
		return `<div class="itil-impact">
			<p>${__("Depth")} <select class="impact-depth form-control input-xs d-inline-block" style="width: 5em">${depths}</select></p>
			<div class="row">
				<div class="col-md-6" data-itil="upstream"><h5>${__("Depends on it (upstream)")}</h5>${this.tree(m.upstream, m.ci)}</div>
				<div class="col-md-6" data-itil="downstream"><h5>${__("It depends on (downstream)")}</h5>${this.tree(m.downstream, m.ci)}</div>
			</div>
			<h5 class="mt-3">${__("Open records on this set")}</h5>
			<div data-itil="records">${records || `<p class="text-muted">${__("None")}</p>`}</div>
		</div>`;
	},

	new_record(frm, doctype) {
		if (doctype === "ITIL Incident") {
			frappe.new_doc(doctype, { configuration_item: frm.doc.name });
			return;
		}
		frappe.model.with_doctype(doctype, () => {
			const doc = frappe.model.get_new_doc(doctype);
			const row = frappe.model.add_child(doc, "affected_cis");
			row.configuration_item = frm.doc.name;
			row.ci_name = frm.doc.ci_name;
			frappe.set_route("Form", doctype, doc.name);
		});
	},
};
