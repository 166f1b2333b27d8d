// Frappe 15 hole: its Kanban card decodes the card's title (html2text) and renders it as HTML, so a subject
// holding escaped markup (typed as "&lt;script&gt;", or left so by the sanitizer) would run on the board.
// The cards of the app's records get their title escaped again. Loaded with the list scripts of the
// doctypes that have boards (hooks.py doctype_list_js); browser test: browser_tests/test_injection.py.
if (!frappe.__itil_kanban_title_escaped) {
	frappe.__itil_kanban_title_escaped = true;
	const render_template = frappe.render_template;
	frappe.render_template = function (name, data, ...rest) {
		// a form link of one of the app's doctypes, whatever the desk's prefix (/app, /desk)
		if (
			name === "kanban_card" &&
			data &&
			typeof data.title === "string" &&
			/\/itil-[a-z-]+\//.test(String(data.form_link || ""))
		) {
			data = { ...data, title: frappe.utils.escape_html(data.title) };
		}
		return render_template.call(this, name, data, ...rest);
	};
}
