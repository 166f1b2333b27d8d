"""The supplier connector (issue 10), over real HTTP to a small supplier server bound to 127.0.0.1:
a UC handover sent, retried through a 500 and a 429, stored with the supplier's reference; updates and
comments for the supplier; a refusal not retried; an outage delivered exactly once after recovery; a
signed callback closing the UC leg and forged, replayed, stale or unknown ones refused."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from itil_crm.engines.supplier_exchange import sign
from itil_crm.service_level import supplier_callbacks, supplier_connector
from itil_crm.tests.utils import (
	TEST_IGNORE,
	escalations_of,
	events_of,
	legs_of,
	make_incident,
	user_with_roles,
)

test_ignore = TEST_IGNORE


class Supplier:
	"""A supplier's API: answers from a script (status, body, headers, or a hang), records requests."""

	def __init__(self):
		self.script, self.received = [], []
		outer = self

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
				outer.received.append({"headers": dict(self.headers), "body": json.loads(body or b"{}")})
				status, payload, headers, hang = outer.script.pop(0) if outer.script else (201, {}, {}, 0)
				if hang:
					time.sleep(hang)
				data = json.dumps(payload).encode()
				self.send_response(status)
				for k, v in headers.items():
					self.send_header(k, v)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(data)))
				self.end_headers()
				try:
					self.wfile.write(data)
				except (BrokenPipeError, ConnectionResetError):
					pass  # the client gave up (a timeout test)

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tickets"
		threading.Thread(target=self.server.serve_forever, daemon=True).start()

	def answer(self, status=201, payload=None, headers=None, hang=0):
		self.script.append((status, payload or {}, headers or {}, hang))

	def close(self):
		self.server.shutdown()
		self.server.server_close()


def closed_port_url():
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		port = s.getsockname()[1]
	return f"http://127.0.0.1:{port}/tickets"


class TestSupplierConnector(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.supplier = Supplier()

	@classmethod
	def tearDownClass(cls):
		cls.supplier.close()
		super().tearDownClass()

	def setUp(self):
		self.supplier.script.clear()
		self.supplier.received.clear()
		tag = random_string(6)
		self.lead, self.l2_lead = (
			user_with_roles("ITIL Support Engineer"),
			user_with_roles("ITIL Support Engineer"),
		)
		self.l2 = frappe.get_doc(
			{
				"doctype": "ITIL Support Group",
				"group_name": f"_Test L2 {tag}",
				"tier": 2,
				"group_lead": self.l2_lead,
			}
		).insert()
		self.vendor = frappe.get_doc(
			{
				"doctype": "ITIL Support Group",
				"group_name": f"_Test Vendor {tag}",
				"tier": 3,
				"is_external": 1,
				"group_lead": self.lead,
			}
		).insert()
		self.connector = frappe.get_doc(
			{
				"doctype": "ITIL Supplier Connector",
				"support_group": self.vendor.name,
				"endpoint_url": self.supplier.url,
				"auth_type": "Header Token",
				"token": "Bearer t0k",
				"timeout_seconds": 0.5,
				"max_attempts": 3,
				"backoff_seconds": 0,
				"reference_path": "ticket.id",
				"callback_secret": "s3cret",
			}
		).insert()

	def hand_over(self):
		incident = make_incident(support_group=self.l2.name)
		incident.support_group = self.vendor.name
		incident.save()
		(exchange,) = frappe.get_all(
			"ITIL Supplier Exchange", {"incident": incident.name, "event": "Create"}, pluck="name"
		)
		return incident, exchange

	def status(self, exchange):
		return frappe.db.get_value("ITIL Supplier Exchange", exchange, "status")

	def test_a_handover_is_retried_through_a_500_and_a_429_then_stored_with_the_reference(self):
		incident, exchange = self.hand_over()
		self.assertEqual(self.status(exchange), "Queued")
		self.supplier.answer(500, {"error": "down"})
		self.supplier.answer(429, {}, {"Retry-After": "0"})
		self.supplier.answer(201, {"ticket": {"id": "SR-77"}})
		self.assertEqual(supplier_connector.deliver(exchange), "Retrying")
		self.assertEqual(supplier_connector.deliver(exchange), "Retrying")
		self.assertEqual(supplier_connector.deliver(exchange), "Delivered")
		self.assertIsNone(supplier_connector.deliver(exchange))  # delivered: never sent again
		self.assertEqual(len(self.supplier.received), 3)
		keys = {r["headers"]["Idempotency-Key"] for r in self.supplier.received}
		self.assertEqual(len(keys), 1)  # the same key on every retry
		self.assertEqual({r["headers"]["Authorization"] for r in self.supplier.received}, {"Bearer t0k"})
		self.assertEqual(self.supplier.received[0]["body"]["our_reference"], incident.name)
		doc = frappe.get_doc("ITIL Supplier Exchange", exchange)
		self.assertEqual([a.status_code for a in doc.attempt_log], [500, 429, 201])
		self.assertEqual(doc.supplier_reference, "SR-77")
		incident.reload()
		leg = next(leg for leg in legs_of(incident.name) if leg.support_group == self.vendor.name)
		self.assertEqual(leg.supplier_reference, "SR-77")
		# a status change and a comment for the supplier are sent as updates
		incident.status = "In Progress"
		incident.save()
		incident.add_comment("Comment", "#supplier Please check the load balancer logs")
		updates = frappe.get_all(
			"ITIL Supplier Exchange",
			{"incident": incident.name, "event": "Update"},
			pluck="name",
			order_by="creation",
		)
		self.assertEqual(len(updates), 2)
		for name in updates:
			self.assertEqual(supplier_connector.deliver(name), "Delivered")
		bodies = [r["body"] for r in self.supplier.received[3:]]
		self.assertEqual((bodies[0]["status"], bodies[0]["your_reference"]), ("In Progress", "SR-77"))
		self.assertEqual(bodies[1]["comment"], "Please check the load balancer logs")

	def test_a_refusal_is_not_retried_and_the_lead_is_told(self):
		_incident, exchange = self.hand_over()
		self.supplier.answer(400, {"error": "unknown category"})
		self.assertEqual(supplier_connector.deliver(exchange), "Failed")
		self.assertEqual(
			frappe.db.get_value("ITIL Supplier Exchange", exchange, "failure"), "Refused By Supplier"
		)
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.lead, "document_name": exchange})
		)
		supplier_connector.retry_failed()
		self.assertEqual(self.status(exchange), "Failed")  # a refusal waits for Resend
		self.supplier.answer(201, {"ticket": {"id": "SR-8"}})
		self.assertEqual(supplier_connector.resend(exchange), "Delivered")

	def test_an_outage_is_delivered_exactly_once_after_recovery(self):
		_incident, exchange = self.hand_over()
		frappe.db.set_value("ITIL Supplier Connector", self.connector.name, "endpoint_url", closed_port_url())
		frappe.clear_document_cache("ITIL Supplier Connector", self.connector.name)
		self.assertEqual(supplier_connector.deliver(exchange), "Retrying")
		self.assertEqual(supplier_connector.deliver(exchange), "Retrying")
		self.assertEqual(supplier_connector.deliver(exchange), "Failed")
		doc = frappe.get_doc("ITIL Supplier Exchange", exchange)
		self.assertEqual(doc.failure, "Attempts Exhausted")
		self.assertIn("ConnectionError", doc.attempt_log[0].excerpt)
		# a hanging supplier is a timeout, retried too
		frappe.db.set_value("ITIL Supplier Connector", self.connector.name, "endpoint_url", self.supplier.url)
		frappe.clear_document_cache("ITIL Supplier Connector", self.connector.name)
		self.supplier.answer(201, {}, {}, hang=1.5)
		self.supplier.answer(201, {"ticket": {"id": "SR-99"}})
		supplier_connector.retry_failed()  # the hourly round: the timeout, then the delivery
		supplier_connector.retry_due()
		doc.reload()
		self.assertEqual((doc.status, doc.supplier_reference), ("Delivered", "SR-99"))
		self.assertIn("Timeout", doc.attempt_log[3].excerpt)
		supplier_connector.retry_due()
		supplier_connector.retry_failed()
		delivered = [
			r for r in self.supplier.received if r["headers"]["Idempotency-Key"] == doc.idempotency_key
		]
		self.assertEqual(len(delivered), 2)  # the timed-out one and the delivered one, same key
		self.assertEqual(self.status(exchange), "Delivered")

	def callback(self, body, secret="s3cret", ts=None, connector=None):
		raw = json.dumps(body).encode()
		ts = str(ts or int(time.time()))
		return (
			supplier_callbacks.handle(connector or self.connector.name, ts, sign(secret, ts, raw), raw),
			raw,
			ts,
		)

	def test_a_signed_callback_closes_the_uc_leg_and_forged_ones_change_nothing(self):
		incident, exchange = self.hand_over()
		self.supplier.answer(201, {"ticket": {"id": f"SR-{random_string(5)}"}})
		supplier_connector.deliver(exchange)
		ref = frappe.db.get_value("ITIL Supplier Exchange", exchange, "supplier_reference")
		before = frappe.get_doc("ITIL Incident", incident.name).modified
		for body, kw, code in (
			({"reference": ref, "status": "resolved"}, {"secret": "forged"}, 401),
			({"reference": ref, "status": "resolved"}, {"ts": int(time.time()) - 600}, 401),
			({"reference": "SR-nope", "status": "resolved"}, {}, 404),
			({"reference": ref, "status": "resolved"}, {"connector": "_Test no such connector"}, 404),
		):
			(status, answer), _raw, _ts = self.callback(body, **kw)
			self.assertEqual(status, code, answer)
		self.assertEqual(frappe.get_doc("ITIL Incident", incident.name).modified, before)
		self.assertGreaterEqual(
			frappe.db.count("ITIL Supplier Exchange", {"direction": "Inbound", "status": "Refused"}), 4
		)
		(status, answer), raw, ts = self.callback(
			{"reference": ref, "status": "resolved", "comment": "Fixed the LB"}
		)
		self.assertEqual((status, answer["outcome"]), (200, "leg closed"))
		incident.reload()
		leg = next(leg for leg in legs_of(incident.name) if leg.support_group == self.vendor.name)
		self.assertEqual(leg.outcome, "Resolved")
		self.assertTrue(leg.released_on)
		self.assertEqual(incident.support_group, self.l2.name)
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.l2_lead, "document_name": incident.name})
		)
		# the same callback again is a replay
		replay = supplier_callbacks.handle(self.connector.name, ts, sign("s3cret", ts, raw), raw)
		self.assertEqual(replay[0], 401)

	def test_bad_connector_settings_are_refused(self):
		for values in (
			{"endpoint_url": "ftp://example.com"},
			{"payload_template": "{{ incident.subject }}"},
			{"max_attempts": 0},
		):
			doc = frappe.get_doc("ITIL Supplier Connector", self.connector.name)
			doc.update(values)
			self.assertRaises(frappe.ValidationError, doc.save)
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": "ITIL Supplier Connector",
					"support_group": self.l2.name,
					"endpoint_url": self.supplier.url,
				}
			).insert()
