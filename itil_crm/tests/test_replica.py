"""Reads from the replica (itil_crm.frappe_fixes.replica): Frappe's ``read_only`` beside the app's
``reads_from_replica``. The "replica" is the site's own server reached again (``replica_host`` = the
primary's host): any site can run these, and the switch shows as another connection object.

``test_frappe_still_reads_from_the_primary_after_the_first_read_only_call`` shows the Frappe 15 hole; it
fails once Frappe forgets the replica connection after a read_only call (then the fix can go)."""

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.frappe_fixes import replica

SWITCH = {"read_from_replica": 1}


class TestReplica(FrappeTestCase):
	def setUp(self):
		conf = frappe.local.conf
		values = dict(SWITCH, replica_host=conf.db_host or "127.0.0.1", replica_db_port=conf.db_port)
		for key, value in values.items():
			self.addCleanup(_restore, conf, key, conf.get(key), key in conf)
			conf[key] = value
		self.primary = frappe.local.db
		self.addCleanup(_back_to_primary, self.primary)

	def connection(self):
		return frappe.local.db

	def test_frappe_still_reads_from_the_primary_after_the_first_read_only_call(self):
		read = frappe.read_only()(self.connection)
		first, second = read(), read()
		self.assertIsNot(first, self.primary)  # the first call reads from the replica
		self.assertIs(frappe.local.db, self.primary)
		self.assertIs(second, self.primary)  # the hole: every later call of the process reads the primary

	def test_every_call_reads_from_the_replica(self):
		read = replica.reads_from_replica(self.connection)
		first, second = read(), read()
		self.assertIsNot(first, self.primary)
		self.assertIsNot(second, self.primary)
		self.assertIs(frappe.local.db, self.primary)
		self.assertFalse(hasattr(frappe.local, "primary_db") or hasattr(frappe.local, "replica_db"))

	def test_after_frappes_read_only_left_its_connections(self):
		frappe.read_only()(self.connection)()  # leaves primary_db / replica_db behind
		self.assertIsNot(replica.reads_from_replica(self.connection)(), self.primary)
		self.assertIs(frappe.local.db, self.primary)

	def test_nested_calls_share_the_outer_replica_connection(self):
		inner = replica.reads_from_replica(self.connection)

		@replica.reads_from_replica
		def outer():
			return frappe.local.db, inner(), frappe.local.db

		before, nested, after = outer()
		self.assertIsNot(before, self.primary)
		self.assertIs(nested, before)
		self.assertIs(after, before)  # the inner call did not close or swap the outer's connection
		self.assertIs(frappe.local.db, self.primary)

	def test_reads_the_same_rows(self):
		@replica.reads_from_replica
		def roles(limit=3, **_ignored):
			return frappe.get_all("Role", pluck="name", order_by="name", limit=limit)

		self.assertEqual(
			roles(limit=3, cmd="ignored"), frappe.get_all("Role", pluck="name", order_by="name", limit=3)
		)

	def test_errors_go_back_to_the_primary(self):
		@replica.reads_from_replica
		def fails():
			raise frappe.ValidationError("no")

		self.assertRaises(frappe.ValidationError, fails)
		self.assertIs(frappe.local.db, self.primary)
		self.assertIsNot(replica.reads_from_replica(self.connection)(), self.primary)

	def test_on_primary_a_caller_reads_what_its_transaction_wrote(self):
		read = replica.reads_from_replica(self.connection)
		with replica.on_primary():
			self.assertIs(read(), self.primary)
		self.assertIsNot(read(), self.primary)

	def test_a_review_computed_after_a_refresh_reads_its_own_rows(self):
		"""A service review refreshes the months touched since the last hourly refresh in its transaction:
		the replica (here another connection, which cannot see uncommitted rows) would miss them."""
		from itil_crm.continual_improvement import kpis, service_review
		from itil_crm.tests.utils import make_incident

		frappe.db.set_global("itil_service_rollup_watermark", "2000-01-01 00:00:00")
		make_incident()  # this month, touched now, not committed
		month = frappe.utils.get_first_day(frappe.utils.today())
		end = frappe.utils.add_months(month, 1)
		doc = frappe.get_doc(
			{
				"doctype": "ITIL Service Review",
				"scope": "Whole desk",
				"period_start": month,
				"period_end": frappe.utils.add_days(end, -1),
			}
		)
		service_review.compute(doc)
		row = next(r for r in doc.figures if r.kpi == "incidents" and not r.dimension)
		with replica.on_primary():
			self.assertEqual(row.value, kpis.figures(month, end)["incidents"])  # with the new incident
		self.assertLess(kpis.figures(month, end)["incidents"], row.value)  # elsewhere: not seen yet

	def test_without_read_from_replica_reads_the_primary(self):
		frappe.local.conf.read_from_replica = 0
		self.assertIs(replica.reads_from_replica(self.connection)(), self.primary)


class TestReadsOfTheObservatory(FrappeTestCase):
	def test_every_public_read_of_the_figures_reads_from_the_replica(self):
		from itil_crm.continual_improvement import kpis, observatory

		reads = (
			kpis.figures, kpis.figures_by, kpis.trend, kpis.benchmark, kpis.breaches, kpis.major_incidents,
			kpis.availability, kpis.targets, kpis.drill_down, observatory.trend,
		)  # fmt: skip
		self.assertEqual([f.__name__ for f in reads if not getattr(f, "reads_from_replica", False)], [])


def _restore(conf, key, value, present):
	if present:
		conf[key] = value
	else:
		conf.pop(key, None)


def _back_to_primary(primary):
	frappe.local.db = primary
	for name in ("primary_db", "replica_db"):
		if hasattr(frappe.local, name):
			delattr(frappe.local, name)
