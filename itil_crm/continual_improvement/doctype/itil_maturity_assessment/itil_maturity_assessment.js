// Copyright (c) 2026, itil_crm contributors
// For license information, please see license.txt

// The maturity self-assessment: the questionnaire (in the reader's language), levels proposed from the
// data, the scores per practice beside the previous assessment's as a chart; on submit the weak answers
// become improvement actions (itil_crm.continual_improvement.maturity).
const LEVEL_NAMES = ["Initial", "Repeatable", "Defined", "Managed", "Optimising"];

frappe.ui.form.on("ITIL Maturity Assessment", {
	setup(frm) {
		translate_questions(frappe.meta.get_docfield);
	},
	refresh(frm) {
		translate_questions((doctype, fieldname) => frm.fields_dict.answers.grid.get_docfield(fieldname));
		const draft = frm.doc.docstatus === 0 && !frm.is_new();
		if (draft && frm.perm[0]?.write) {
			frm.add_custom_button(__("Propose Levels From the Data"), () => propose(frm));
			frm.add_custom_button(
				__("Add New Questions"),
				() =>
					frm.call("add_missing_questions").then((r) => {
						frappe.show_alert({ message: __("{0} questions added", [r.message || 0]) });
						frm.reload_doc();
					}),
				__("Questionnaire")
			);
		}
		if (frm.is_new()) {
			frm.set_intro(__("Save the assessment: the questionnaire's enabled questions are added."), "blue");
		} else if (frm.doc.docstatus === 0) {
			frm.set_intro(
				__("Choose a level 1-5 for each question ({0}); 0 leaves it unanswered. On submit, answers below level {1} become improvement actions.", [
					LEVEL_NAMES.map((name, i) => `${i + 1} ${__(name)}`).join(", "),
					frm.doc.weak_below || 3,
				]),
				"blue"
			);
		}
		if (frm.doc.docstatus === 1) {
			frm.add_custom_button(__("Improvement Actions"), () =>
				frappe.set_route("List", "ITIL Improvement Action", { source_assessment: frm.doc.name })
			);
		}
		draw_chart(frm);
	},
});

// the questions are stored in English: shown in the reader's language (fr.csv)
function translate_questions(get_docfield) {
	for (const fieldname of ["question_text"]) {
		const df = get_docfield("ITIL Maturity Answer", fieldname);
		if (df) df.formatter = (value) => frappe.utils.escape_html(__(value || ""));
	}
}

function propose(frm) {
	const run = () =>
		frm.call("propose_levels").then((r) => {
			frappe.show_alert({
				message: __("{0} levels proposed from the data", [r.message || 0]),
				indicator: "green",
			});
			frm.reload_doc();
		});
	return frm.is_dirty() ? frm.save().then(run) : run();
}

function draw_chart(frm) {
	const wrapper = frm.get_field("maturity_chart").$wrapper;
	wrapper.empty();
	const rows = frm.doc.practice_scores || [];
	if (!rows.length) return;
	const datasets = [{ name: __("This Assessment"), values: rows.map((r) => r.score || 0) }];
	if (frm.doc.previous_assessment) {
		datasets.push({ name: __("Previous Assessment"), values: rows.map((r) => r.previous_score || 0) });
	}
	const target = $('<div class="itil-maturity-chart"></div>').appendTo(wrapper);
	new frappe.Chart(target[0], {
		type: "bar",
		height: 240,
		data: { labels: rows.map((r) => __(r.practice)), datasets },
		axisOptions: { xIsSeries: 0 },
		barOptions: { spaceRatio: 0.4 },
		colors: ["#5E64FF", "#b8c2cc"],
		tooltipOptions: { formatTooltipY: (value) => (value ? value.toFixed(2) : "-") },
	});
}
