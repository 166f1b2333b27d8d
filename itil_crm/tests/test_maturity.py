"""The ITIL maturity self-assessment in a real site: each evidence measure against records the test makes
(measured before and after, the exact difference), levels proposed from the data, scores per practice and
overall, the previous assessment, weak answers that become improvement actions once, the actions' KPI from
the observatory's figures, bad input, and the questionnaire in French."""

import datetime as dt
import random

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, get_first_day, getdate, now_datetime, nowdate, random_string

from itil_crm.continual_improvement import maturity, maturity_evidence
from itil_crm.continual_improvement.questionnaire import QUESTIONS, seed_questionnaire
from itil_crm.engines.maturity import EVIDENCE_MEASURES, PRACTICES
from itil_crm.setup import default_data
from itil_crm.tests.utils import TEST_IGNORE, make_ci, make_incident, make_known_error, make_problem

test_ignore = TEST_IGNORE

ASSESSMENT, QUESTION, ACTION = maturity.ASSESSMENT, maturity.QUESTION, maturity.ACTION
# a past month nobody else writes into: the incidents, problems, changes and go-lives of the tests are moved
# into it (their dates set in the database, as an import would), so the measure's difference is ours only
P_START, P_END = dt.date(2019, 3, 1), dt.date(2019, 4, 1)
IN_PERIOD = dt.datetime(2019, 3, 15, 10, 0)


def set_values(doctype, name, **values):
	frappe.db.set_value(doctype, name, values, update_modified=False)


def incident(**values):
	doc = make_incident()
	set_values("ITIL Incident", doc.name, opened_on=IN_PERIOD, **values)
	return doc.name


class TestEvidenceMeasures(FrappeTestCase):
	def assert_difference(self, key, make, part, whole, period=(P_START, P_END)):
		before = maturity_evidence.measure(key, *period)
		make()
		after = maturity_evidence.measure(key, *period)
		self.assertEqual((after.part - before.part, after.whole - before.whole), (part, whole), key)
		if after.whole and EVIDENCE_MEASURES[key][1] == "%":
			self.assertEqual(after.value, round(100 * after.part / after.whole, 2), key)
		self.assertTrue(after.text())
		return after

	def test_every_measure_is_implemented_and_named(self):
		self.assertEqual(set(maturity_evidence.MEASURES), set(EVIDENCE_MEASURES))
		self.assertEqual(set(maturity_evidence.BASES), set(EVIDENCE_MEASURES))
		self.assertEqual({p for p, _unit in EVIDENCE_MEASURES.values()}, set(PRACTICES))  # each practice
		with self.assertRaises(frappe.ValidationError):
			maturity_evidence.measure("no_such_measure", P_START, P_END)

	def test_service_desk_measures(self):
		group = default_data.SUPPORT_GROUPS[0][0]

		def make():
			incident(support_group=group, caller_email="a@example.com")
			incident(support_group=group, caller=None, caller_email=None)
			incident(support_group=None, caller_email="b@example.com")
			incident(support_group=None, caller=None, caller_email=None)
			incident(support_group=None, caller_email=None)

		self.assert_difference("incidents_with_support_group", make, 2, 5)
		self.assert_difference("incidents_with_caller", make, 2, 5)

	def test_incident_management_measures(self):
		ci = make_ci().name

		def make():
			incident(configuration_item=ci)
			incident(configuration_item=None)
			incident(configuration_item=None)

		self.assert_difference("incidents_with_ci", make, 1, 3)

		def resolved():
			incident(resolved_on=IN_PERIOD, resolution_code="Permanent Fix")
			incident(resolved_on=IN_PERIOD, resolution_code=None)
			incident(resolved_on=dt.datetime(2019, 5, 2), resolution_code="Permanent Fix")  # after the period

		self.assert_difference("incidents_with_resolution_code", resolved, 1, 2)

	def test_problem_management_measures(self):
		p1, p3 = "P1 Critical", "P3 Moderate"
		self.assertEqual(frappe.db.get_value("ITIL Priority", p1, "rank"), 1)
		problem = make_problem().name

		def make():
			incident(priority=p1, problem=problem)
			incident(priority=p1, problem=None)
			incident(priority=p1, problem=None)
			incident(priority=p3, problem=problem)  # not a major incident

		self.assert_difference("p1_with_problem", make, 1, 3)

		def problems():
			for root_cause in ("<p>The disk filled up</p>", "<p><br></p>", None):
				set_values("ITIL Problem", make_problem().name, resolved_on=IN_PERIOD, root_cause=root_cause)
			make_problem()  # not resolved

		self.assert_difference("problems_with_root_cause", problems, 1, 3)

	def test_known_error_measures(self):
		today = getdate(nowdate())
		period = (today, add_days(today, 1))  # the 12 months to tomorrow

		def make():
			set_values(
				"ITIL Known Error",
				make_known_error().name,
				workaround_last_used=add_days(now_datetime(), -30),
			)
			linked = make_known_error().name
			set_values("ITIL Incident", make_incident().name, known_error=linked)
			set_values(
				"ITIL Known Error",
				make_known_error().name,
				workaround_last_used=add_days(now_datetime(), -800),
			)
			make_known_error()

		self.assert_difference("known_errors_used", make, 2, 4, period)

		def published():
			make_known_error(published=1)
			make_known_error(published=0)

		self.assert_difference("known_errors_published", published, 1, 2, period)

	def change(self, status, outcome=None, cis=(), actual_end=IN_PERIOD):
		doc = frappe.get_doc(
			{
				"doctype": "ITIL Change",
				"title": f"_Test maturity change {random_string(6)}",
				"change_type": "Normal",
				"risk": "Low",
				"affected_cis": [{"configuration_item": ci} for ci in cis],
			}
		).insert()
		set_values("ITIL Change", doc.name, status=status, review_outcome=outcome, actual_end=actual_end)
		return doc.name

	def test_change_enablement_measures(self):
		ci = make_ci().name

		def make():
			self.change("Closed", "Successful", cis=[ci])
			self.change("Backed Out", "Backed Out")
			self.change("Review", None, cis=[ci])
			self.change("Implementing", None, cis=[ci])  # not implemented yet
			self.change("Closed", "Successful", actual_end=dt.datetime(2019, 2, 27))  # before the period

		self.assert_difference("changes_reviewed", make, 2, 3)
		self.assert_difference("changes_with_ci", make, 2, 3)

	def test_configuration_management_measures(self):
		relationship = default_data.CI_RELATIONSHIP_TYPES[0][0]
		made = []

		def make():
			target = make_ci()
			owned = make_ci(support_group=default_data.SUPPORT_GROUPS[0][0])
			source = make_ci(
				relationships=[
					{"relationship_type": relationship, "target_ci": target.name},
					{"relationship_type": relationship, "target_ci": owned.name},
				]
			)
			retired = make_ci(relationships=[{"relationship_type": relationship, "target_ci": target.name}])
			set_values("ITIL Configuration Item", retired.name, lifecycle_status="Retired")
			made.extend([target.name, owned.name, source.name])

		after = self.assert_difference("relationships_per_ci", lambda: None, 0, 0)
		before = after
		make()
		after = maturity_evidence.measure("relationships_per_ci", P_START, P_END)
		rows = frappe.db.count(
			"ITIL CI Relationship", {"parent": ["in", made], "parenttype": "ITIL Configuration Item"}
		)
		self.assertGreaterEqual(rows, 2)  # the two recorded on the source (and any inverse the CMDB adds)
		self.assertEqual((after.part - before.part, after.whole - before.whole), (rows, 3))
		self.assertEqual(after.value, round(after.part / after.whole, 2))  # relationships per CI

		self.assert_difference(
			"cis_with_owner",
			lambda: [
				make_ci(support_group=default_data.SUPPORT_GROUPS[0][0]),
				make_ci(ci_owner="Administrator"),
				make_ci(),
			],
			2,
			3,
		)

	def group(self, external: bool, agreement_type: str | None, enabled: int = 1, on_group: bool = True):
		group = frappe.get_doc(
			{
				"doctype": "ITIL Support Group",
				"group_name": f"_Test maturity group {random_string(6)}",
				"tier": 2,
				"is_external": int(external),
			}
		).insert()
		if agreement_type:
			agreement = frappe.get_doc(
				{
					"doctype": "ITIL Service Agreement",
					"agreement_name": f"_Test maturity {agreement_type} {random_string(6)}",
					"agreement_type": agreement_type,
					"enabled": enabled,
					"service_calendar": default_data.CALENDAR_BUSINESS_HOURS,
					"support_group": group.name,
					"targets": [{"priority": "P3 Moderate", "response_time": 3600, "resolution_time": 28800}],
				}
			).insert()
			if on_group:
				set_values("ITIL Support Group", group.name, service_agreement=agreement.name)
		return group.name

	def test_service_level_measures(self):
		def internal():
			self.group(False, "OLA")
			self.group(False, "OLA", on_group=False)  # the OLA names its group, not the group its OLA
			self.group(False, "OLA", enabled=0)
			self.group(False, None)
			self.group(True, "UC")  # external: not in the OLA coverage

		self.assert_difference("ola_coverage", internal, 2, 4)

		def external():
			self.group(True, "UC")
			self.group(True, "UC", enabled=0)
			self.group(True, None)
			self.group(False, "OLA")

		self.assert_difference("uc_coverage", external, 1, 3)

		def resolved():
			for status in ("Met", "Met", "Missed", "Breached"):
				incident(resolved_on=IN_PERIOD, sla_status=status)
			incident(resolved_on=IN_PERIOD, sla_status="On Track")  # no verdict

		self.assert_difference("sla_met_share", resolved, 2, 4)

	def go_live(self, **values):
		doc = frappe.get_doc(
			{
				"doctype": "ITIL Go-Live",
				"title": f"_Test maturity go-live {random_string(6)}",
				"go_live_date": nowdate(),
			}
		).insert()
		set_values("ITIL Go-Live", doc.name, **values)
		return doc.name

	def test_service_transition_measures(self):
		ended = dt.date(2019, 3, 20)

		def make():
			self.go_live(warranty_end=ended, status="Closed", final_review="<p>Stable</p>")
			self.go_live(warranty_end=ended, status="Closed", final_review=None)
			self.go_live(warranty_end=ended, status="Final Review", final_review="<p>Draft</p>")
			self.go_live(warranty_end=dt.date(2019, 4, 1), status="Closed", final_review="<p>Later</p>")

		self.assert_difference("go_lives_reviewed", make, 1, 3)
		change = TestEvidenceMeasures.change(self, "Closed", "Successful")

		def with_change():
			self.go_live(go_live_date=ended, change=change)
			self.go_live(go_live_date=ended, change=None)

		self.assert_difference("go_lives_with_change", with_change, 1, 2)


def make_question(practice, evidence_key=None, thresholds=None, kpi_key=None, enabled=1):
	values = {
		"doctype": QUESTION,
		"question_code": f"_T-{random_string(8)}",
		"practice": practice,
		"question": f"_Test question {random_string(6)}?",
		"evidence_key": evidence_key,
		"kpi_key": kpi_key,
		"enabled": enabled,
	}
	for level, t in zip((2, 3, 4, 5), thresholds or (), strict=False):
		values[f"threshold_{level}"] = t
	return frappe.get_doc(values).insert()


def random_day() -> dt.date:
	"""A date no other run uses: the previous assessment is the latest before it."""
	return dt.date(2200, 1, 1) + dt.timedelta(days=random.randrange(0, 2_000_000, 10))


def assessment(on: dt.date, levels: list[tuple], **kw):
	"""An assessment of the given (question, chosen level) answers only."""
	return frappe.get_doc(
		{
			"doctype": ASSESSMENT,
			"assessed_on": on,
			"period_from": P_START,
			"period_to": add_days(P_END, -1),
			"answers": [{"question": q.name, "chosen_level": level} for q, level in levels],
			**kw,
		}
	).insert()


class TestMaturityAssessment(FrappeTestCase):
	def test_a_new_assessment_holds_the_enabled_questionnaire(self):
		seed_questionnaire()
		mine = make_question("Known Errors")
		off = make_question("Known Errors", enabled=0)
		doc = frappe.get_doc({"doctype": ASSESSMENT}).insert()
		questions = [row.question for row in doc.answers]
		self.assertIn(mine.name, questions)
		self.assertNotIn(off.name, questions)
		self.assertTrue({code for code, *_rest in QUESTIONS} <= set(questions))
		order = [PRACTICES.index(row.practice) for row in doc.answers]
		self.assertEqual(order, sorted(order))  # grouped by practice, in the practices' order
		# the defaults: today, the user, the last 12 full months
		first = get_first_day(getdate(nowdate()))
		self.assertEqual(
			(getdate(doc.assessed_on), doc.assessor, getdate(doc.period_from), getdate(doc.period_to)),
			(
				getdate(nowdate()),
				frappe.session.user,
				getdate(add_to_date(first, months=-12)),
				add_days(first, -1),
			),
		)

	def test_propose_levels_fills_the_data_backed_questions_only(self):
		by_data = make_question("Incident Management", "incidents_with_ci", (20, 40, 60, 80))
		by_hand = make_question("Incident Management")
		doc = assessment(random_day(), [(by_data, 0), (by_hand, 0)])
		evidence = maturity_evidence.measure("incidents_with_ci", P_START, P_END)
		for _k in range(3):  # evidence to measure in the period, whatever the site holds
			incident(configuration_item=None)
		evidence = maturity_evidence.measure("incidents_with_ci", P_START, P_END)
		self.assertIsNotNone(evidence.value)
		expected = 1 + sum(evidence.value >= t for t in (20, 40, 60, 80))
		doc.propose_levels()
		doc.reload()
		data_row, hand_row = doc.answers
		self.assertEqual(data_row.evidence, evidence.text())
		self.assertEqual(data_row.evidence_value, evidence.value)
		self.assertEqual((data_row.proposed_level, data_row.chosen_level), (expected, expected))
		self.assertEqual((hand_row.evidence, hand_row.evidence_value), (None, 0))
		self.assertEqual((hand_row.proposed_level, hand_row.chosen_level), (0, 0))
		# a level the assessor chose is kept; the proposal is refreshed beside it
		chosen = 5 if expected != 5 else 4
		doc.answers[0].chosen_level = chosen
		doc.save()
		doc.propose_levels()
		doc.reload()
		self.assertEqual((doc.answers[0].proposed_level, doc.answers[0].chosen_level), (expected, chosen))

	def test_scores_per_practice_and_overall_are_the_means(self):
		sd = [make_question("Service Desk") for _k in range(3)]
		im = [make_question("Incident Management") for _k in range(3)]
		ke = make_question("Known Errors")
		doc = assessment(
			random_day(),
			[(sd[0], 2), (sd[1], 4), (sd[2], 0), (im[0], 1), (im[1], 2), (im[2], 2), (ke, 5)],
		)
		# a site's earlier assessment adds its other practices (unanswered here) for the comparison
		scores = {r.practice: (r.score, r.answered, r.weak) for r in doc.practice_scores if r.answered}
		self.assertEqual(
			scores,
			{
				"Service Desk": (3.0, 2, 1),
				"Incident Management": (1.67, 3, 3),
				"Known Errors": (5.0, 1, 0),
			},
		)
		self.assertEqual(doc.overall_score, 3.22)  # (3 + 5/3 + 5) / 3

	def test_the_previous_assessment_is_found_and_compared(self):
		sd, ke = make_question("Service Desk"), make_question("Known Errors")
		day = random_day()
		first = assessment(day, [(sd, 2), (ke, 4)])
		first.submit()
		draft_before = assessment(add_days(day, 2), [(sd, 5)])  # a draft is no previous assessment
		later = assessment(add_days(day, 5), [(sd, 3), (ke, 3)])
		self.assertEqual(later.previous_assessment, first.name)
		self.assertNotEqual(later.previous_assessment, draft_before.name)
		self.assertEqual(later.previous_overall_score, 3.0)
		rows = {r.practice: (r.score, r.previous_score, r.change) for r in later.practice_scores}
		self.assertEqual(rows, {"Service Desk": (3.0, 2.0, 1.0), "Known Errors": (3.0, 4.0, -1.0)})
		chart = later.chart()
		self.assertEqual(chart["labels"], ["Service Desk", "Known Errors"])
		self.assertEqual([d["values"] for d in chart["datasets"]], [[3.0, 3.0], [2.0, 4.0]])
		# the first assessment has none before it (in its far-off day)
		self.assertNotEqual(first.previous_assessment, later.name)

	def test_the_chart_shows_the_latest_submitted_assessment(self):
		sd = make_question("Service Desk")
		doc = assessment(dt.date(9999, 12, 31) - dt.timedelta(days=random.randrange(0, 300)), [(sd, 4)])
		doc.submit()
		latest = frappe.get_all(
			ASSESSMENT,
			filters={"docstatus": 1},
			order_by="assessed_on desc, creation desc",
			limit=1,
			pluck="name",
		)[0]
		from itil_crm.continual_improvement.dashboard_chart_source.itil_maturity_by_practice import (
			itil_maturity_by_practice as source,
		)

		data = source.get(chart_name=maturity.CHART, refresh=1)
		self.assertEqual(data, maturity.chart_data(frappe.get_doc(ASSESSMENT, latest)))

	def test_submit_turns_each_weak_answer_into_one_improvement_action(self):
		questions = [
			make_question(p, kpi_key="sla_met") for p in ("Service Desk", "Service Desk", "Known Errors")
		]
		hand = make_question("Change Enablement")
		doc = assessment(
			random_day(),
			[(questions[0], 1), (questions[1], 2), (questions[2], 3), (hand, 0)],
			assessor="Administrator",
		)
		doc.submit()
		actions = frappe.get_all(
			ACTION,
			filters={"source_assessment": doc.name},
			fields=["source_question", "practice", "action_owner", "status", "kpi_key", "due_date", "title"],
			order_by="source_question",
		)
		self.assertEqual(
			sorted((a.source_question, a.practice) for a in actions),
			sorted([(questions[0].name, "Service Desk"), (questions[1].name, "Service Desk")]),
		)
		for a in actions:
			self.assertEqual((a.action_owner, a.status, a.kpi_key), ("Administrator", "Open", "sla_met"))
			self.assertEqual(getdate(a.due_date), add_days(getdate(doc.assessed_on), maturity.ACTION_DAYS))
		# a second run, and an amendment submitted again, create none more
		self.assertEqual(maturity.create_improvement_actions(doc.name), [])
		doc.cancel()
		amended = frappe.copy_doc(doc)
		amended.update({"amended_from": doc.name, "docstatus": 0})
		amended.insert()
		amended.submit()
		self.assertEqual(frappe.db.count(ACTION, {"source_assessment": ["in", [doc.name, amended.name]]}), 2)
		# a lower threshold for weak answers: none (1 is the lowest level)
		none_weak = assessment(random_day(), [(questions[0], 1)], weak_below=1)
		none_weak.submit()
		self.assertEqual(frappe.db.count(ACTION, {"source_assessment": none_weak.name}), 0)

	def test_bad_input_is_refused_clearly(self):
		q = make_question("Service Desk")
		with self.assertRaisesRegex(frappe.ValidationError, "outside the scale"):
			assessment(random_day(), [(q, 6)])
		with self.assertRaisesRegex(frappe.ValidationError, "outside the scale"):
			assessment(random_day(), [(q, -1)])
		with self.assertRaisesRegex(frappe.ValidationError, "outside the scale"):
			assessment(random_day(), [(q, 2)], weak_below=7)
		with self.assertRaisesRegex(frappe.ValidationError, "increase strictly"):
			make_question("Service Desk", "incidents_with_ci", (50, 40, 60, 80))
		with self.assertRaisesRegex(frappe.ValidationError, "increase strictly"):
			make_question("Service Desk", "incidents_with_ci")  # no thresholds at all
		with self.assertRaisesRegex(frappe.ValidationError, "ends before it starts"):
			assessment(random_day(), [(q, 2)], period_from=P_END, period_to=P_START)
		self.assertFalse(
			frappe.db.exists(
				QUESTION, {"question_code": ["like", "_T-%"], "threshold_2": 50, "threshold_3": 40}
			)
		)


class TestImprovementActions(FrappeTestCase):
	def figures(self):
		from itil_crm.continual_improvement import kpis

		start, end = maturity.last_full_month()
		return kpis.figures(start, end), start.strftime("%Y-%m")

	def test_baseline_current_value_and_movement_come_from_the_figures(self):
		figures, month = self.figures()
		action = frappe.get_doc(
			{"doctype": ACTION, "title": "_Test action", "kpi_key": "incidents", "target_value": 0}
		).insert()
		self.assertEqual(
			(action.baseline_value, action.baseline_period, action.baseline_measured),
			(figures["incidents"], month, 1),
		)
		self.assertEqual((action.current_value, action.moved), (figures["incidents"], "Same"))
		value = figures["incidents"]
		for baseline, target, expected in (
			(value - 1, value + 10, "Better"),  # up, towards a higher target
			(value + 1, value + 10, "Worse"),
			(value + 5, 0, "Better"),  # a volume down towards a target of 0
			(value, 0, "Same"),
		):
			set_values(ACTION, action.name, baseline_value=baseline, target_value=target)
			self.assertGreaterEqual(maturity.refresh_actions(), 1)
			row = frappe.db.get_value(
				ACTION, action.name, ["current_value", "current_period", "moved"], as_dict=True
			)
			self.assertEqual((row.current_value, row.current_period, row.moved), (value, month, expected))

	def test_a_kpi_measured_as_none_is_not_measured(self):
		figures, _month = self.figures()
		action = frappe.get_doc(
			{"doctype": ACTION, "title": "_Test action sla", "kpi_key": "sla_met", "target_value": 95}
		).insert()
		if figures["sla_met"] is None:
			self.assertEqual((action.baseline_measured, action.moved), (0, "Not Measured"))
		else:
			self.assertEqual((action.baseline_value, action.moved), (figures["sla_met"], "Same"))
		# done and cancelled actions are no longer refreshed
		set_values(ACTION, action.name, status="Done", moved="Worse")
		maturity.refresh_actions()
		self.assertEqual(frappe.db.get_value(ACTION, action.name, "moved"), "Worse")

	def test_the_kpi_options_are_the_catalogues(self):
		from itil_crm.engines.service_kpis import KPIS

		options = [o for o in frappe.get_meta(ACTION).get_field("kpi_key").options.split("\n") if o]
		self.assertEqual(set(options), set(KPIS) - {"availability"})
		figures, _month = self.figures()
		self.assertTrue(set(options) <= set(figures))


class TestQuestionnaireInFrench(FrappeTestCase):
	def tearDown(self):
		frappe.local.lang = "en"
		frappe.local.lang_full_dict = None

	def test_the_questionnaire_reads_in_french(self):
		seed_questionnaire()
		frappe.local.lang = "fr"
		frappe.local.lang_full_dict = None
		from frappe import _

		untranslated = []
		for code, practice, question, *_rest in QUESTIONS:
			stored = frappe.db.get_value(QUESTION, code, "question")
			if stored == question and _(question) == question:
				untranslated.append(code)
			self.assertNotEqual(_(practice), practice)
		self.assertEqual(untranslated, [])
		self.assertEqual(_("Is every resolved incident closed with a resolution code?"),
			"Chaque incident résolu est-il clos avec un code de résolution ?")  # fmt: skip
		self.assertEqual(_("Known Errors"), "Erreurs connues")
		evidence = maturity_evidence.Evidence("incidents_with_ci", 3, 4, 75.0)
		self.assertEqual(
			evidence.text(),
			"3 sur 4 incidents ouverts dans la période nomment un élément de configuration : 75.0 %.",
		)

	def test_seeding_again_keeps_an_admins_edits(self):
		seed_questionnaire()
		code = QUESTIONS[0][0]
		set_values(QUESTION, code, question="Edited by the admin", enabled=0)
		self.assertEqual(seed_questionnaire(), 0)
		self.assertEqual(
			frappe.db.get_value(QUESTION, code, ["question", "enabled"]), ("Edited by the admin", 0)
		)
