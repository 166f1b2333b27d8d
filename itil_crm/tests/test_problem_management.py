"""Problems and known errors at work (issue 8): candidate problems from recurring incidents, known-error
suggestions (French and English), workarounds counted and resolved at the tier, and the alerts between
problems, known errors and incidents, each fired once."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime, random_string

from itil_crm.problem_management import candidates
from itil_crm.problem_management.known_error_search import suggest_known_errors
from itil_crm.tests.test_impact_analysis import relate
from itil_crm.tests.utils import (
	escalations_of,
	events_of,
	legs_of,
	make_ci,
	make_incident,
	make_known_error,
	make_problem,
	move,
	user_with_roles,
)


def incidents_on(ci, n, **kw):
	return [make_incident(configuration_item=ci, **kw) for _ in range(n)]


def run_until_done() -> list[str]:
	"""The hourly job run until it raises nothing more, as its hourly runs do on a site in use: a run raises
	at most 50 candidates, the biggest groups first, and a site may hold more groups than that."""
	created = []
	while batch := candidates.run():
		created += batch
	return created


class TestCandidateProblems(FrappeTestCase):
	def setUp(self):
		# the site's own recent incidents must not make groups of their own in these tests
		frappe.db.set_single_value("ITIL Settings", "problem_candidate_window_days", 7)
		frappe.db.set_single_value("ITIL Settings", "problem_candidate_min_incidents", 3)
		frappe.clear_document_cache("ITIL Settings", "ITIL Settings")
		self.manager = user_with_roles("ITIL Problem Manager")

	def test_three_incidents_on_one_ci_make_one_candidate_once(self):
		ci = make_ci(f"_Test Flaky Switch {random_string(4)}", ci_type="Network Device")
		first = incidents_on(ci.name, 3)
		old = make_incident(configuration_item=ci.name)
		frappe.db.set_value("ITIL Incident", old.name, "opened_on", add_days(now_datetime(), -30))
		created = [
			p
			for p in run_until_done()
			if frappe.db.get_value("ITIL Problem", p, "title").endswith(ci.ci_name)
		]
		self.assertEqual(len(created), 1)
		problem = frappe.get_doc("ITIL Problem", created[0])
		self.assertTrue(problem.raised_automatically)
		self.assertEqual([r.configuration_item for r in problem.affected_cis], [ci.name])
		linked = set(frappe.get_all("ITIL Incident", filters={"problem": problem.name}, pluck="name"))
		self.assertEqual(linked, {i.name for i in first})  # the one outside the window stays out
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.manager, "document_name": problem.name})
		)
		self.assertNotIn(problem.name, run_until_done())  # a re-run creates nothing new
		self.assertEqual(frappe.db.count("ITIL Problem", {"title": problem.title}), 1)

	def test_incidents_on_cis_of_one_business_service_make_one_candidate(self):
		tag = random_string(4)
		service = make_ci(f"_Test Payroll Service {tag}", ci_type="Business Service")
		app = make_ci(f"_Test Payroll App {tag}")
		db = make_ci(f"_Test Payroll DB {tag}", ci_type="Database")
		relate(service, "Depends On", app)
		relate(app, "Runs On", db)
		on_app, on_db = incidents_on(app.name, 2), incidents_on(db.name, 1)
		created = run_until_done()
		mine = [p for p in created if service.ci_name in frappe.db.get_value("ITIL Problem", p, "title")]
		self.assertEqual(len(mine), 1)
		linked = set(frappe.get_all("ITIL Incident", filters={"problem": mine[0]}, pluck="name"))
		self.assertEqual(linked, {i.name for i in on_app + on_db})
		self.assertEqual(run_until_done(), [])

	def test_fewer_than_the_threshold_or_already_linked_make_nothing(self):
		ci = make_ci()
		problem = make_problem()
		incidents_on(ci.name, 2)
		incidents_on(ci.name, 2, problem=problem.name)
		created = run_until_done()
		self.assertFalse(
			[
				p
				for p in created
				if ci.name in {r.configuration_item for r in frappe.get_doc("ITIL Problem", p).affected_cis}
			]
		)


class TestDismissedCandidates(FrappeTestCase):
	"""Issue 23: a wrong candidate, dismissed or unlinked, does not come back at the next run."""

	def setUp(self):
		frappe.db.set_single_value("ITIL Settings", "problem_candidate_window_days", 7)
		frappe.db.set_single_value("ITIL Settings", "problem_candidate_min_incidents", 3)
		frappe.clear_document_cache("ITIL Settings", "ITIL Settings")
		self.ci = make_ci(f"_Test Noisy Sensor {random_string(4)}", ci_type="Network Device")

	def candidates_on_ci(self, created):
		return [
			p
			for p in created
			if self.ci.name in {r.configuration_item for r in frappe.get_doc("ITIL Problem", p).affected_cis}
		]

	def linked(self, problem):
		return set(frappe.get_all("ITIL Incident", filters={"problem": problem}, pluck="name"))

	def test_a_dismissed_candidate_is_not_proposed_again(self):
		first = {i.name for i in incidents_on(self.ci.name, 3)}
		(problem,) = self.candidates_on_ci(run_until_done())
		self.assertEqual(self.linked(problem), first)
		manager = user_with_roles("ITIL Problem Manager")
		with self.set_user(user_with_roles("ITIL Service Desk Agent")):
			self.assertRaises(frappe.PermissionError, candidates.dismiss, problem, "not a problem")
		with self.set_user(manager):
			self.assertEqual(candidates.dismiss(problem, "a sensor being recalibrated"), 3)
		self.assertEqual(self.linked(problem), set())  # the incidents are free again
		self.assertEqual(frappe.db.get_value("ITIL Problem", problem, "status"), "Closed")
		self.assertEqual(self.candidates_on_ci(run_until_done()), [])
		self.assertEqual(self.candidates_on_ci(run_until_done()), [])  # and at every later run
		self.assertRaises(frappe.ValidationError, candidates.dismiss, problem)  # once
		self.assertRaises(frappe.ValidationError, candidates.dismiss, make_problem().name)  # not a candidate

	def test_unlinked_incidents_do_not_make_a_candidate_again(self):
		first = incidents_on(self.ci.name, 3)
		(problem,) = self.candidates_on_ci(run_until_done())
		for incident in first:  # the agent clears the Problem field of each, on the incident's form
			incident.reload()
			incident.problem = None
			incident.save()
		self.assertEqual(self.linked(problem), set())
		self.assertEqual(self.candidates_on_ci(run_until_done()), [])

	def test_newcomers_make_a_candidate_of_their_own(self):
		incidents_on(self.ci.name, 3)
		(problem,) = self.candidates_on_ci(run_until_done())
		candidates.dismiss(problem)
		newcomers = {i.name for i in incidents_on(self.ci.name, 2)}
		self.assertEqual(self.candidates_on_ci(run_until_done()), [])  # 5 with the dismissed ones: 2 new
		newcomers |= {i.name for i in incidents_on(self.ci.name, 1)}
		(again,) = self.candidates_on_ci(run_until_done())
		self.assertEqual(self.linked(again), newcomers)  # the third newcomer makes a candidate of them only


class TestKnownErrorSuggestions(FrappeTestCase):
	def setUp(self):
		frappe.db.savepoint("known_error_suggestions")  # each test sees its own known errors only
		self.addCleanup(frappe.db.rollback, save_point="known_error_suggestions")
		tag = random_string(5)
		self.tag = tag
		self.printer = make_known_error(
			title=f"Imprimante {tag} bloquée",
			symptoms="Les impressions restent en file d'attente, l'imprimante affiche l'erreur 49",
			workaround="Redémarrer le spouleur d'impression",
			published=1,
		)
		self.vpn = make_known_error(
			title=f"VPN {tag} disconnects",
			symptoms="Users lose the VPN tunnel every few minutes; the client shows error 809",
			workaround="Switch the client to TCP",
			published=1,
		)
		self.hidden = make_known_error(
			title=f"VPN disconnects draft {tag}", symptoms="VPN tunnel error 809", published=0
		)

	def names(self, **kw):
		return [s["name"] for s in suggest_known_errors(**kw)]

	def test_french_and_english_text_rank_the_right_known_error_first(self):
		# the site may hold known errors much like these: the printer's or VPN's name tells them apart,
		# as it would in an agent's text
		tag = self.tag
		fr = self.names(
			subject=f"L'imprimante {tag} n'imprime plus", description="Impressions bloquées en file d'attente"
		)
		self.assertEqual(fr[0], self.printer.name)
		en = self.names(
			subject=f"VPN {tag} keeps disconnecting", description="my vpn tunnel drops with error 809"
		)
		self.assertEqual(en[0], self.vpn.name)
		self.assertNotIn(self.hidden.name, en)  # unpublished known errors are not suggested

	def test_the_ci_counts_and_the_index_follows_edits(self):
		ci = make_ci()
		self.vpn.reload()
		self.vpn.append("affected_cis", {"configuration_item": ci.name})
		self.vpn.save()
		best = suggest_known_errors(subject="Something odd", configuration_item=ci.name)
		self.assertEqual(best[0]["name"], self.vpn.name)
		self.assertTrue(best[0]["ci_match"])
		self.printer.reload()
		self.printer.symptoms = "Le scanner réseau ne numérise plus"
		self.printer.title = f"Scanner en panne {self.tag}"
		self.printer.save()
		self.assertNotIn(self.printer.name, self.names(subject="Imprimante bloquée file d'attente"))
		self.assertIn(self.printer.name, self.names(subject=f"Le scanner {self.tag} ne numérise plus"))
		self.printer.delete()
		self.assertEqual(frappe.db.count("ITIL Known Error Term", {"known_error": self.printer.name}), 0)

	def test_the_cause_and_the_workaround_are_matched_and_follow_edits(self):
		# issue 23: an agent often knows the cause ("certificate expired") or the fix, not the symptoms
		tag = self.tag
		cert = make_known_error(
			title=f"Portail {tag} inaccessible",
			symptoms="Les navigateurs refusent la connexion",
			root_cause=f"Certificat TLS {tag}x expiré sur le répartiteur",
			workaround=f"Basculer sur le nœud {tag}y de secours",
			published=1,
		)
		self.assertEqual(self.names(subject=f"Certificat {tag}x expiré")[0], cert.name)
		self.assertEqual(self.names(subject=f"basculer nœud {tag}y")[0], cert.name)
		cert.reload()
		cert.workaround = f"Vider le cache {tag}z du proxy"
		cert.save()
		self.assertNotIn(cert.name, self.names(subject=f"basculer nœud {tag}y"))
		self.assertEqual(self.names(subject=f"cache {tag}z proxy")[0], cert.name)

	def test_bad_input_and_permission(self):
		self.assertEqual(suggest_known_errors(subject=""), [])
		self.assertRaises(frappe.ValidationError, suggest_known_errors, subject=["x"])
		with self.set_user(user_with_roles("Blogger")):
			self.assertRaises(frappe.PermissionError, suggest_known_errors, subject="VPN")


class TestWorkaroundsAndAlerts(FrappeTestCase):
	def test_a_workaround_resolves_at_level_1_and_is_counted(self):
		from itil_crm.service_desk.report.itil_tier_resolution.itil_tier_resolution import execute
		from itil_crm.tests.test_service_level import make_group

		l2 = make_group(f"_Test KE L2 {random_string(4)}", 2)
		l1 = make_group(f"_Test KE L1 {random_string(4)}", 1, escalates_to=l2.name)
		known_error = make_known_error(workaround="Clear the browser cache", published=1)
		for _ in range(2):
			incident = make_incident(support_group=l1.name)
			self.assertEqual(incident.apply_known_error(known_error.name), "Resolved")
		incident.reload()
		self.assertEqual((incident.support_group, incident.resolution_code), (l1.name, "Workaround Applied"))
		self.assertFalse(escalations_of(incident.name))
		known_error.reload()
		self.assertEqual(known_error.workaround_uses, 2)
		self.assertTrue(known_error.workaround_last_used)
		_columns, data = execute({"from_date": "2000-01-01"})
		row = next(r for r in data if r["tier"] == 1 and r["support_group"] == l1.name)
		self.assertEqual((row["received"], row["resolved"]), (2, 2))

	def test_a_new_workaround_tells_the_assignees_of_open_incidents_once(self):
		agent = user_with_roles("ITIL Service Desk Agent")
		known_error = make_known_error(workaround="Old way", published=1)
		incident = make_incident(known_error=known_error.name)
		from frappe.desk.form.assign_to import add as assign

		assign({"doctype": "ITIL Incident", "name": incident.name, "assign_to": [agent]})
		known_error.reload()
		known_error.workaround = "New way: restart the agent"
		known_error.save()
		sent = lambda: frappe.db.count(  # noqa: E731
			"Notification Log", {"for_user": agent, "document_name": known_error.name}
		)
		self.assertEqual(sent(), 1)
		known_error.reload()
		known_error.save()  # nothing moved: nothing sent
		known_error.root_cause = "A leak"
		known_error.save()
		self.assertEqual(sent(), 1)

	def test_resolving_a_problem_follows_its_incidents_and_a_fix_resolves_problems(self):
		problem = make_problem(root_cause="Expired certificate")
		incidents = [make_incident(problem=problem.name) for _ in range(2)]
		frappe.db.set_single_value("ITIL Settings", "resolve_incidents_with_problem", 1)
		self.addCleanup(frappe.db.set_single_value, "ITIL Settings", "resolve_incidents_with_problem", 0)
		move(problem, "Under Investigation", "Resolved")
		for incident in incidents:
			incident.reload()
			self.assertEqual((incident.status, incident.resolution_code), ("Resolved", "Permanent Fix"))
			self.assertEqual(
				frappe.db.count(
					"Comment", {"reference_name": incident.name, "content": ["like", f"%{problem.name}%"]}
				),
				1,
			)
		# a known error fixed resolves the problems it documents
		known_error = make_known_error()
		other = move(
			make_problem(),
			"Under Investigation",
			"Known Error",
			**{"Known Error": {"known_error": known_error.name}},
		)
		known_error.reload()
		known_error.permanent_fix_status = "Fixed"
		known_error.save()
		other.reload()
		self.assertEqual(other.status, "Resolved")


class TestLinkIncidents(FrappeTestCase):
	def test_many_incidents_linked_at_once_with_permission_checked(self):
		from itil_crm.problem_management.problems import link_incidents

		problem = make_problem()
		incidents = [make_incident().name for _ in range(3)]
		self.assertEqual(link_incidents(problem.name, frappe.as_json(incidents)), 3)
		self.assertEqual(frappe.db.count("ITIL Incident", {"problem": problem.name}), 3)
		self.assertEqual(link_incidents(problem.name, incidents), 0)  # already linked: nothing moves
		self.assertRaises(frappe.DoesNotExistError, link_incidents, "PRB-NOPE", incidents)
		self.assertRaises(frappe.ValidationError, link_incidents, problem.name, "[]")
		self.assertRaises(frappe.DoesNotExistError, link_incidents, problem.name, [incidents[0], "INC-NOPE"])
		untouched = make_incident().name
		with self.set_user(user_with_roles("ITIL Change Manager")):  # reads incidents, may not write them
			self.assertRaises(frappe.PermissionError, link_incidents, problem.name, [untouched])
		self.assertFalse(frappe.db.get_value("ITIL Incident", untouched, "problem"))


class TestIncidentReview(FrappeTestCase):
	def test_incidents_grouped_by_problem_and_known_error(self):
		from itil_crm.problem_management.report.itil_incident_review.itil_incident_review import execute

		known_error = make_known_error(workaround="Restart the queue", published=1)
		problem = make_problem(known_error=known_error.name)
		for _ in range(2):
			make_incident(problem=problem.name, known_error=known_error.name).apply_known_error(
				known_error.name
			)
		make_incident(problem=problem.name, known_error=known_error.name)
		_columns, data, _message, chart = execute({"problem": problem.name})
		self.assertEqual(len(data), 1)
		row = data[0]
		self.assertEqual(
			(row.incidents, row.resolved, row.by_workaround, row.still_open, row.workaround_rate),
			(3, 2, 2, 1, 66.7),
		)
		self.assertIsNotNone(row.hours_to_resolve)
		self.assertEqual(chart["data"]["labels"], [problem.name])
