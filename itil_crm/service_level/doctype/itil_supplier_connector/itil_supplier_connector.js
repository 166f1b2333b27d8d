// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// What to give the supplier for its callbacks.
frappe.ui.form.on("ITIL Supplier Connector", {
	refresh(frm) {
		const url = frm.doc.__onload && frm.doc.__onload.callback_url;
		if (!url) return;
		const esc = frappe.utils.escape_html;
		frm.get_field("callback_help").$wrapper.html(`
			<p>${__("The supplier posts its status updates and comments to:")}</p>
			<pre>${esc(url)}</pre>
			<p>${__("Headers: X-ITIL-Timestamp (Unix time) and X-ITIL-Signature: sha256=HMAC-SHA256(secret, timestamp + '.' + body), hex. Body: {0}", [
				'<code>{"reference": "…", "status": "in_progress | resolved", "comment": "…"}</code>',
			])}</p>`);
	},
});
