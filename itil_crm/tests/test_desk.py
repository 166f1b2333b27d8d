"""The desk an ITIL team lives in (issue 12): reports, print formats, boards, queues, onboarding."""

import os
import shutil
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime, random_string

from itil_crm import onboarding
from itil_crm.service_desk import boards, queues
from itil_crm.tests.utils import make_incident, make_known_error, make_problem, move, user_with_roles


def report(name: str, **filters) -> tuple[list[dict], list[dict], dict | None]:
	"""A report as the desk runs it (frappe.desk.query_report.run): columns, rows, chart."""
	out = run(name, filters=filters)
	return out["columns"], out["result"], out.get("chart")


def group(members=(), tier=1):
	return frappe.get_doc(
		{
			"doctype": "ITIL Support Group",
			"group_name": f"_Test Desk {random_string(5)}",
			"tier": tier,
			"members": [{"user": u} for u in members],
		}
	).insert()


@contextmanager
def assets_served():
	"""The bench's sites folder (hence /assets) on a loopback port, as the site's host_name."""
	handler = partial(SimpleHTTPRequestHandler, directory=os.path.abspath(frappe.get_site_path("..")))
	handler.log_message = lambda *args: None
	server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
	thread = threading.Thread(target=server.serve_forever, daemon=True)
	thread.start()
	host_name = frappe.local.conf.get("host_name")
	frappe.local.conf.host_name = f"http://127.0.0.1:{server.server_port}"
	try:
		yield
	finally:
		frappe.local.conf.host_name = host_name
		server.shutdown()
		server.server_close()


def restricted_to(support_group: str) -> str:
	"""A service desk agent who may read only the incidents of ``support_group`` (and those of no group)."""
	agent = user_with_roles("ITIL Service Desk Agent")
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": agent,
			"allow": "ITIL Support Group",
			"for_value": support_group,
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)
	return agent


def resolve(incident):
	return move(incident, "Resolved", Resolved={"resolution_code": "Workaround Applied"})


class TestReports(FrappeTestCase):
	def test_mttr_and_first_response_by_group(self):
		desk = group()
		fast, slow = make_incident(support_group=desk.name), make_incident(support_group=desk.name)
		make_incident(support_group=desk.name)  # open: counted, not in the means
		now = now_datetime()
		fast.db_set("opened_on", add_days(now, -1))
		resolve(fast.reload())
		fast.db_set("first_responded_on", add_days(now, -1))  # answered at once
		slow.db_set("opened_on", add_days(now, -3))
		resolve(slow.reload())
		columns, rows, chart = report(
			"ITIL MTTR and First Response", group_by="Support Group", support_group=desk.name
		)
		self.assertEqual([c["fieldname"] for c in columns][:4], ["grp", "incidents", "resolved", "mttr"])
		(row,) = rows
		self.assertEqual(
			(row["grp"], row["incidents"], row["resolved"], row["responded"]), (desk.name, 3, 2, 2)
		)
		self.assertAlmostEqual(row["mttr"], 48, delta=0.1)  # (24 h + 72 h) / 2
		# the first responded at once; the second's resolution was its first response (72 h)
		self.assertAlmostEqual(row["first_response"], 36, delta=0.1)
		self.assertEqual(chart["data"]["labels"], [desk.name])

	def test_mttr_by_month_and_bad_filters(self):
		incident = make_incident()
		_c, rows, _chart = report("ITIL MTTR and First Response", group_by="Month")
		self.assertIn(str(incident.opened_on)[:7], [r["grp"] for r in rows])
		with self.assertRaises(frappe.ValidationError):
			report("ITIL MTTR and First Response", group_by="Customer'; drop table x")
		with self.assertRaises(frappe.ValidationError):
			report("ITIL MTTR and First Response", from_date="2026-02-01", to_date="2026-01-01")

	def test_backlog_ageing_by_priority_and_tier(self):
		desk = group(tier=2)
		new = make_incident(support_group=desk.name)
		old = make_incident(support_group=desk.name)
		old.db_set("opened_on", add_days(now_datetime(), -10))
		resolve(make_incident(support_group=desk.name))  # not in the backlog
		columns, rows, chart = report(
			"ITIL Backlog Ageing", group_by="Support Group", support_group=desk.name
		)
		self.assertEqual(columns[1]["label"], "0-1 days")
		(row,) = rows
		self.assertEqual(row["total"], 2)
		self.assertEqual((row["band_0"], row["band_3"]), (1, 1))  # 0-1 days, 7-30 days
		self.assertAlmostEqual(row["oldest_days"], 10, delta=0.1)
		self.assertEqual(len(chart["data"]["labels"]), 5)
		_c, by_tier, _chart = report("ITIL Backlog Ageing", group_by="Tier", support_group=desk.name)
		self.assertEqual([(r["grp"], r["total"]) for r in by_tier], [(2, 2)])
		self.assertTrue(new.name)

	def test_the_reports_count_only_what_the_user_may_read(self):
		"""An agent restricted to one support group (a User Permission) reads only its incidents in the
		grouped reports, as in the incident list (grouped by priority: the desk itself drops only the rows
		whose link column the user may not read)."""
		mine, other = group(), group()
		for desk in (mine, other):
			make_incident(support_group=desk.name)
		agent = restricted_to(mine.name)

		def counted(name: str, desk: str, count: str) -> list:
			_c, rows, _chart = report(name, group_by="Priority", support_group=desk)
			return [r[count] for r in rows]

		frappe.set_user(agent)
		try:
			for name, count in (
				("ITIL Backlog Ageing", "total"),
				("ITIL MTTR and First Response", "incidents"),
			):
				self.assertEqual(counted(name, mine.name, count), [1], name)
				self.assertEqual(counted(name, other.name, count), [], name)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(counted("ITIL Backlog Ageing", other.name, "total"), [1])

	def test_the_problem_warranty_and_sla_reports_count_only_what_the_user_may_read(self):
		"""The same agent, restricted to one support group, in the reports that join incidents to problems,
		go-lives and agreements: only the incidents of their group count."""
		from itil_crm.tests.test_warranty import make_go_live
		from itil_crm.tests.utils import make_ci

		mine, other = group(), group()
		problem = make_problem()
		go_live = make_go_live(make_ci().name)
		for desk in (mine, other):
			incident = make_incident(support_group=desk.name, problem=problem.name)
			incident.db_set({"warranty_go_live": go_live.name, "sla_status": "Met"}, update_modified=False)
		agent = restricted_to(mine.name)

		def counts() -> tuple:
			_c, review, _chart = report("ITIL Incident Review", problem=problem.name)
			_c, warranty, _chart = report("ITIL Warranty Incidents", go_live=go_live.name)
			_c, sla, _chart = report("ITIL SLA Compliance", group_by="Support Group", agreement_type="SLA")
			ours = {mine.name, other.name}
			return (
				sum(r["incidents"] for r in review),
				sum(r["incidents"] for r in warranty),
				sorted((r["key"], r["measured"]) for r in sla if r["key"] in ours),
			)

		self.assertEqual(counts(), (2, 2, sorted([(mine.name, 1), (other.name, 1)])))
		frappe.set_user(agent)
		try:
			self.assertEqual(counts(), (1, 1, [(mine.name, 1)]))
		finally:
			frappe.set_user("Administrator")

	def test_the_reports_answer_in_french(self):
		frappe.local.lang = "fr"
		try:
			frappe.local.lang_full_dict = None
			frappe.local.jenv = None
			columns, _rows, _chart = report("ITIL Backlog Ageing")
			self.assertEqual(columns[-1]["label"], "Le plus ancien (jours)")
		finally:
			frappe.local.lang = "en"
			frappe.local.lang_full_dict = None


class TestPrintFormats(FrappeTestCase):
	def test_the_incident_report_for_a_customer(self):
		known_error = make_known_error(workaround="<p>Restart the spooler</p>", published=1)
		incident = make_incident(
			subject="<img src=x onerror=alert(1)> Printer down", known_error=known_error.name
		)
		resolve(incident)
		html = frappe.get_print("ITIL Incident", incident.name, print_format="ITIL Incident Report")
		self.assertIn("Incident Report", html)
		self.assertIn(incident.name, html)
		body = html.split("<body>", 1)[1]
		self.assertIn("&lt;img", body)  # the subject is text
		self.assertNotIn("<img", body)
		self.assertIn("Workaround Applied", html)
		self.assertIn("Restart the spooler", html)  # the published workaround the customer can use
		self.assertNotIn("priority_reason", html)

	def test_the_problem_report_lists_its_incidents_and_changes(self):
		problem = make_problem(root_cause="<p>Index corrupted</p>")
		incidents = [make_incident(problem=problem.name) for _ in range(2)]
		html = frappe.get_print("ITIL Problem", problem.name, print_format="ITIL Problem Report")
		self.assertIn("Index corrupted", html)
		for incident in incidents:
			self.assertIn(incident.name, html)
		self.assertIn("2 incidents", html)
		self.assertIn("No change fixes this problem yet.", html)

	def test_pdf_rendering(self):
		"""The site renders the reports to PDF (wkhtmltopdf, Debian's package). wkhtmltopdf loads the
		print styles from the site's URL: the bench's assets are served here as the web server would."""
		if not shutil.which("wkhtmltopdf"):
			self.skipTest("wkhtmltopdf is not installed on this server (Debian: apt install wkhtmltopdf)")
		problem = make_problem()
		make_incident(problem=problem.name)
		for doctype, name, fmt in (
			("ITIL Problem", problem.name, "ITIL Problem Report"),
			("ITIL Incident", make_incident().name, "ITIL Incident Report"),
		):
			with assets_served():
				pdf = frappe.get_print(doctype, name, print_format=fmt, as_pdf=True)
			self.assertTrue(pdf.startswith(b"%PDF"), fmt)
			self.assertGreater(len(pdf), 2000, fmt)


class TestBoards(FrappeTestCase):
	def test_the_boards_exist_with_their_columns(self):
		boards.ensure_boards()  # a site installed before the boards existed: the patch's work
		by_status = frappe.get_doc("Kanban Board", boards.INCIDENT_STATUS)
		self.assertEqual(by_status.field_name, "status")
		self.assertEqual(
			[c.column_name for c in by_status.columns],
			["New", "Assigned", "In Progress", "On Hold", "Resolved", "Closed"],
		)
		self.assertEqual(
			frappe.get_doc("Kanban Board", boards.CHANGE_STATUS).reference_doctype, "ITIL Change"
		)
		before = frappe.get_doc("Kanban Board", boards.INCIDENT_GROUP).modified
		boards.ensure_boards()  # idempotent
		self.assertEqual(frappe.get_doc("Kanban Board", boards.INCIDENT_GROUP).modified, before)

	def test_a_new_group_gets_its_column(self):
		boards.ensure_boards()
		desk = group()
		columns = [c.column_name for c in frappe.get_doc("Kanban Board", boards.INCIDENT_GROUP).columns]
		self.assertIn(desk.name, columns)

	def test_the_group_column_follows_the_group_through_save_rename_and_delete(self):
		boards.ensure_boards()

		def columns():
			return [c.column_name for c in frappe.get_doc("Kanban Board", boards.INCIDENT_GROUP).columns]

		desk = group()
		before = frappe.get_doc("Kanban Board", boards.INCIDENT_GROUP).modified
		desk.save()  # a group that has its column: the board is neither locked nor rewritten
		self.assertEqual(frappe.get_doc("Kanban Board", boards.INCIDENT_GROUP).modified, before)
		new_name = f"{desk.name} renamed"
		frappe.rename_doc("ITIL Support Group", desk.name, new_name)
		self.assertIn(new_name, columns())
		self.assertNotIn(desk.name, columns())
		other = group()
		frappe.rename_doc("ITIL Support Group", new_name, other.name, merge=True)
		self.assertEqual(columns().count(other.name), 1)
		self.assertNotIn(new_name, columns())
		frappe.delete_doc("ITIL Support Group", other.name)
		self.assertNotIn(other.name, columns())
		self.assertEqual(len(columns()), len(set(columns())))

	def test_columns_of_groups_gone_before_the_fix_are_removed_once(self):
		boards.ensure_boards()
		board = frappe.get_doc("Kanban Board", boards.INCIDENT_GROUP)
		kept = group()
		board.reload()
		board.append("columns", {"column_name": "_gone group " + frappe.generate_hash(length=8)})
		board.save(ignore_permissions=True)
		count = len(board.columns)
		self.assertGreaterEqual(boards.drop_orphan_group_columns(), 1)
		left = [c.column_name for c in frappe.get_doc("Kanban Board", boards.INCIDENT_GROUP).columns]
		self.assertIn(kept.name, left)
		self.assertFalse([c for c in left if c.startswith("_gone group ")])
		self.assertLess(len(left), count)
		self.assertEqual(boards.drop_orphan_group_columns(), 0)

	def test_a_card_move_follows_the_lifecycle(self):
		from frappe.desk.doctype.kanban_board.kanban_board import update_order_for_single_card

		boards.ensure_boards()
		incident = make_incident()
		update_order_for_single_card(boards.INCIDENT_STATUS, incident.name, "New", "In Progress", 0, 0)
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "In Progress")
		# closing straight from In Progress is not an allowed move: refused with the lifecycle's message
		with self.assertRaises(frappe.ValidationError):
			update_order_for_single_card(boards.INCIDENT_STATUS, incident.name, "In Progress", "Closed", 0, 0)
		self.assertEqual(frappe.db.get_value("ITIL Incident", incident.name, "status"), "In Progress")


class TestQueues(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_my_support_groups(self):
		agent = user_with_roles("ITIL Service Desk Agent")
		first, second = group([agent]), group([agent])
		group()
		frappe.set_user(agent)
		self.assertEqual(set(queues.my_support_groups()), {first.name, second.name})
		frappe.set_user(user_with_roles("ITIL Service Desk Agent"))
		self.assertEqual(queues.my_support_groups(), [])


class TestOnboarding(FrappeTestCase):
	def setUp(self):
		for step in onboarding.step_names():
			frappe.db.set_value("Onboarding Step", step, "is_complete", 0)
		# a site in use may have finished its setup: the widget (and these tests) see the steps again
		frappe.db.set_value("Module Onboarding", onboarding.ONBOARDING, "is_complete", 0)

	def state(self) -> dict:
		return dict(
			frappe.get_all(
				"Onboarding Step",
				filters={"name": ["like", "ITIL %"]},
				fields=["name", "is_complete"],
				as_list=True,
			)
		)

	def test_the_onboarding_is_installed_on_the_workspace(self):
		doc = frappe.get_doc("Module Onboarding", onboarding.ONBOARDING)
		self.assertEqual({s.step for s in doc.steps}, set(onboarding.step_names()))
		self.assertIn('"onboarding_name": "ITIL Setup"', frappe.db.get_value("Workspace", "ITIL", "content"))

	def test_the_workspace_still_opens_once_every_step_is_done(self):
		# Frappe saves the onboarding when its last step is done: it needs its documentation page, or the
		# workspace answered 417 (MandatoryError) to the admin who finished the setup
		from frappe.desk.desktop import get_desktop_page

		enabled = frappe.db.get_single_value("System Settings", "enable_onboarding")
		frappe.db.set_single_value("System Settings", "enable_onboarding", 1)
		self.addCleanup(frappe.db.set_single_value, "System Settings", "enable_onboarding", enabled)
		for step in onboarding.step_names():
			frappe.db.set_value("Onboarding Step", step, "is_complete", 1)
		page = get_desktop_page(frappe.as_json({"name": "ITIL", "title": "ITIL", "public": 1}))
		self.assertTrue(page["charts"]["items"] or page["number_cards"]["items"])
		self.assertEqual(frappe.db.get_value("Module Onboarding", onboarding.ONBOARDING, "is_complete"), 1)
		self.assertTrue(frappe.db.get_value("Module Onboarding", onboarding.ONBOARDING, "documentation_url"))
		frappe.db.set_value("Module Onboarding", onboarding.ONBOARDING, "is_complete", 0)

	def desk_page(self, user: str, lang: str) -> dict:
		"""The ITIL workspace as the desk asks for it (frappe.desk.desktop.get_desktop_page, through the
		request handler and the app's overrides), for `user` in `lang`."""
		from frappe.handler import execute_cmd

		enabled = frappe.db.get_single_value("System Settings", "enable_onboarding")
		frappe.db.set_single_value("System Settings", "enable_onboarding", 1)
		self.addCleanup(frappe.db.set_single_value, "System Settings", "enable_onboarding", enabled)
		form_dict, previous_lang = frappe.local.form_dict, frappe.local.lang
		frappe.set_user(user)
		frappe.local.lang = lang
		frappe.local.form_dict = frappe._dict(
			page=frappe.as_json({"name": "ITIL", "title": "ITIL", "public": 1})
		)
		frappe.local.request = frappe._dict(method="GET")  # the handler checks the HTTP method
		try:
			return execute_cmd("frappe.desk.desktop.get_desktop_page")
		finally:
			del frappe.local.request
			frappe.local.form_dict, frappe.local.lang = form_dict, previous_lang
			frappe.set_user("Administrator")

	def test_a_french_user_reads_the_steps_in_french(self):
		# issue 23: Frappe 15 translates a step's title (server and widget) but sends its description as
		# written, and its widget shows it without __(): the app translates it on the way out
		from frappe.translate import get_all_translations

		english = {
			s: frappe.db.get_value("Onboarding Step", s, "description") for s in onboarding.step_names()
		}
		french = get_all_translations("fr")
		user = user_with_roles("ITIL Service Level Manager")
		frappe.db.set_value("User", user, "language", "fr")
		page = self.desk_page(user, "fr")
		steps = {s["name"]: s for o in page["onboardings"]["items"] for s in o["items"]}
		self.assertEqual(set(steps), set(onboarding.step_names()))
		for name, step in steps.items():
			self.assertTrue(english[name] in french, name)  # each description has its French row
			self.assertEqual(step["description"], french[english[name]], name)
			self.assertEqual(step["label"], french[frappe.db.get_value("Onboarding Step", name, "title")])
		# an English-speaking user still reads them as written
		page = self.desk_page(user_with_roles("ITIL Service Level Manager"), "en")
		sent = {s["name"]: s["description"] for o in page["onboardings"]["items"] for s in o["items"]}
		self.assertEqual(sent, english)

	def test_frappe_still_sends_the_descriptions_untranslated(self):
		# the hole the app's get_desktop_page fills; once this fails, Frappe translates them itself: drop
		# itil_crm.onboarding.get_desktop_page and its override in hooks.py
		import os

		from frappe.desk.desktop import get_desktop_page

		step = frappe.get_doc("Onboarding Step", onboarding.step_names()[0])
		widget = os.path.join(
			frappe.get_app_path("frappe"), "public", "js", "frappe", "widgets", "onboarding_widget.js"
		)
		with open(widget, encoding="utf-8") as f:
			self.assertIn("frappe.markdown(step.description)", f.read())
		enabled = frappe.db.get_single_value("System Settings", "enable_onboarding")
		frappe.db.set_single_value("System Settings", "enable_onboarding", 1)
		self.addCleanup(frappe.db.set_single_value, "System Settings", "enable_onboarding", enabled)
		frappe.local.lang = "fr"
		try:
			page = get_desktop_page(frappe.as_json({"name": "ITIL", "title": "ITIL", "public": 1}))
		finally:
			frappe.local.lang = "en"
		sent = {s["name"]: s["description"] for o in page["onboardings"]["items"] for s in o["items"]}
		self.assertEqual(sent[step.name], step.description)

	def test_each_step_is_checked_off_by_doing_it(self):
		self.assertEqual(set(self.state().values()), {0})
		group()  # no member yet: not done
		self.assertEqual(self.state()["ITIL Define Support Groups"], 0)
		group([user_with_roles("ITIL Service Desk Agent")])
		self.assertEqual(self.state()["ITIL Define Support Groups"], 1)
		calendar = frappe.get_doc(
			"ITIL Service Calendar", frappe.get_all("ITIL Service Calendar", pluck="name", limit=1)[0]
		)
		calendar.append("holidays", {"holiday_date": "2099-12-25", "description": "Christmas"})
		calendar.save()
		frappe.get_single("ITIL Settings").save()
		from itil_crm.tests.utils import make_ci

		make_ci()
		done = self.state()
		for step in (
			"ITIL Define Support Groups",
			"ITIL Set the Service Calendar",
			"ITIL Review the Priority Matrix",
			"ITIL Load Configuration Items",
		):
			self.assertEqual(done[step], 1, step)
		self.assertEqual(
			done["ITIL Connect a Mailbox or Helpdesk"],
			int(bool(frappe.get_single("ITIL Settings").ticket_intake)),
		)

	def test_install_and_demo_do_not_check_off_steps(self):
		frappe.flags.itil_demo = True
		try:
			group([user_with_roles("ITIL Service Desk Agent")])
		finally:
			frappe.flags.itil_demo = False
		self.assertEqual(self.state()["ITIL Define Support Groups"], 0)


class TestTierResolutionReport(FrappeTestCase):
	def test_the_database_counts_give_the_rates_of_the_legs(self):
		# issue 23: the report counts in the database; its rows are engines.tier_metrics' rule over the legs
		from itil_crm.engines.tier_metrics import tier_rates
		from itil_crm.service_desk.tier_alerts import legs_since

		level_1, level_2 = group([user_with_roles("ITIL Service Desk Agent")]), group(tier=2)
		resolved = make_incident(support_group=level_1.name)
		resolve(resolved)
		escalated = make_incident(support_group=level_1.name)
		escalated.reload()
		escalated.support_group = level_2.name
		escalated.save()
		since = add_days(now_datetime(), -30).date()
		_columns, rows, _chart = report("ITIL Tier Resolution", from_date=str(since))
		expected = tier_rates(legs_since(since), 80.0 if not rows else rows[0]["target"])
		self.assertEqual(
			[(r["tier"], r["received"], r["resolved"], r["rate"]) for r in rows],
			[(r.tier, r.received, r.resolved, r.rate) for r in expected],
		)
		mine = {r["support_group"]: r for r in rows}
		self.assertEqual((mine[level_1.name]["received"], mine[level_1.name]["resolved"]), (2, 1))
		self.assertEqual((mine[level_2.name]["received"], mine[level_2.name]["resolved"]), (1, 0))
