"""Load over HTTP: N concurrent simulated agents against gunicorn, ITIL incidents beside ERPNext Issues in
the same run, records as a support desk makes them on both sides, with an error rate of 0 and no lost
update.

	python benchmarks/bench_load.py [--url http://127.0.0.1:8020] [--site real.localhost]
		[--admin-password admin] [--agents 50] [--seconds 120] [--max-requests 60000]
		[--target itil|issue|both] [--smoke] [--stagger 10] [--db-password ROOT_PASSWORD]
		[--serve BENCH_PATH]

Talks to a served site only (the Host header names the site), loopback by default. As Administrator it
sets up what the agents need (once; reused from run to run):

- users ``load-agent-<i>@example.com`` with the roles *ITIL Service Desk Agent* and *Support Team*, an
  API key each;
- callers: contacts ``load-caller-<i>@example.com`` of the site's customers, each with open incidents and
  open issues already (``OPEN_PER_CALLER``);
- ITIL: three support groups ``Load L1`` -> ``Load L2`` -> ``Load L3`` whose members the agents are, with
  round-robin assignment (itil_crm makes one Frappe Assignment Rule per group); the hot incidents have a
  Helpdesk ticket behind them where Helpdesk is installed;
- ERPNext: the same three teams as Issue Types, each with the same Assignment Rule (round robin over the
  agents while the issue is open with the team, unassigned when it leaves it, closed when it is resolved),
  and ERPNext's service level agreements on, with a default agreement for Issue.

Each agent has its own session and loops, one scenario per loop, until the time or the request budget
(``--max-requests`` per target: a hard bound) runs out. The agents start at random moments within
``--stagger`` seconds (people do not click at the same instant; started together they move in lockstep):

- ITIL Incident: create (a caller's email, a CI two times in three, in Load L1, which assigns it), update,
  comment, update and comment a hot incident every agent writes to, escalate (``run_doc_method``
  escalate: to Load L2, whose rule reassigns it), resolve, the list view (``frappe.desk.reportview.get``,
  20 rows) and the *ITIL Backlog Ageing* report;
- ERPNext Issue: create (the caller's email and customer, in the first team, which assigns it), the same
  update, comments and hot record writes, escalate (the issue moves to the second team, whose rule
  reassigns it), resolve, the list view and ERPNext's *Issue Summary* report.

Every write the site acknowledged (HTTP 200) leaves a unique token (a field's value, a comment, an
escalation's reason); at the end they are read back as Administrator and any one missing is a lost update
(on a hot record, the value left must be the one of the write saved last). Errors are HTTP statuses >= 400,
transport errors and timeouts (60 s). Prints per target the requests, errors, throughput and p50 / p95 /
p99 / max latency per operation, then ITIL / Issue ratios; with ``--db-password`` (MariaDB's root) also
InnoDB's row lock waits and deadlocks during each target's run and the rows waited for. Exits 1 if there
was an error or a lost update (``--smoke``: 10 agents for 20 s, for CI), 2 if setup failed.

``--serve BENCH_PATH`` starts gunicorn (4 workers) on the ``--url`` port from ``BENCH_PATH/sites``, with
this checkout first on the Python path, and stops it at the end. The agents' API keys are kept in
``$TMPDIR/bench_load_keys_<site>.json`` (mode 600) and reused while they work: a user's save takes a
site-wide lock in Frappe, so a new secret for 50 users costs minutes on a busy site. The records written
stay on the site (their subject starts with ``[load <run>]``): run it on a test site.
"""

import argparse
import datetime
import json
import math
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlparse

import requests

TIMEOUT = 60
AGENT_ROLES = ("ITIL Service Desk Agent", "Support Team")
GROUPS = (  # created last to first, each escalating to the next
	("Load L1 - Service Desk", 1, "Load L2 - Applications"),
	("Load L2 - Applications", 2, "Load L3 - Experts"),
	("Load L3 - Experts", 3, None),
)
OPEN_INCIDENT = ["New", "Assigned", "In Progress", "On Hold"]
OPEN_ISSUE = ["Open", "Replied", "On Hold"]
OPERATIONS = (
	"create",
	"update",
	"comment",
	"escalate",
	"hot update",
	"hot comment",
	"resolve",
	"list",
	"report",
)
SUBJECTS = (
	"Cannot log in to the CRM",
	"Invoices not printing",
	"VPN drops every few minutes",
	"Order screen very slow",
	"Mailbox full, mails bounce",
	"Printer on floor 2 offline",
	"Customer search returns nothing",
	"Password reset link expired",
	"Report export fails with an error",
	"Phone line crackles on calls",
)


class Stop(Exception):
	"""The time or the request budget is spent."""


class Budget:
	def __init__(self, seconds: float, max_requests: int):
		self.deadline = time.monotonic() + seconds
		self.left = max_requests
		self.lock = threading.Lock()

	def take(self) -> None:
		with self.lock:
			if self.left <= 0 or time.monotonic() >= self.deadline:
				raise Stop
			self.left -= 1


class Stats:
	def __init__(self):
		self.lock = threading.Lock()
		self.latency = defaultdict(list)  # operation -> ms
		self.errors = []  # (operation, summary, traceback)
		self.scenarios = 0

	def record(self, op: str, ms: float, error: tuple[str, str] | None = None) -> None:
		with self.lock:
			self.latency[op].append(ms)
			if error:
				self.errors.append((op, *error))

	@property
	def requests(self) -> int:
		return sum(len(v) for v in self.latency.values())


class Ledger:
	"""The writes the site acknowledged, to read back at the end."""

	def __init__(self):
		self.lock = threading.Lock()
		self.fields = {}  # (name, field) -> token the field must hold (its last acknowledged write)
		self.hot = defaultdict(list)  # name -> [(modified, token)] of the hot field's writes
		self.comments = []  # (name, token)
		self.children = []  # (name, token): escalation rows, ToDos

	def field(self, name, field, token):
		with self.lock:
			self.fields[name, field] = token

	def add(self, kind, name, token):
		with self.lock:
			getattr(self, kind).append((name, token))

	def hot_write(self, name, modified, token):
		with self.lock:
			self.hot[name].append((modified, token))

	@property
	def count(self) -> int:
		return (
			len(self.fields)
			+ sum(len(v) for v in self.hot.values())
			+ len(self.comments)
			+ len(self.children)
		)


def error_summary(resp) -> tuple[str, str]:
	"""(one line, traceback) from a Frappe error response."""
	try:
		body = resp.json()
	except ValueError:
		return f"HTTP {resp.status_code}: {resp.text[:200]!r}", ""
	message = body.get("exception") or ""
	if body.get("_server_messages"):
		try:
			messages = [json.loads(m).get("message", m) for m in json.loads(body["_server_messages"])]
			message = message or " / ".join(str(m) for m in messages)
		except (ValueError, AttributeError):
			message = message or body["_server_messages"]
	line = f"HTTP {resp.status_code} {body.get('exc_type') or ''}: {str(message)[:300]}"
	trace = body.get("exc") or ""
	if trace.startswith("["):
		try:
			trace = "\n".join(json.loads(trace))
		except ValueError:
			pass
	return line, trace


class Client:
	"""One HTTP session (an agent's, or Administrator's), its calls timed into ``stats``."""

	def __init__(self, url, site, stats=None, budget=None, token=None):
		self.url = url.rstrip("/")
		self.session = requests.Session()
		self.session.headers["Host"] = site
		self.session.headers["Accept"] = "application/json"
		if token:
			self.session.headers["Authorization"] = f"token {token}"
		self.stats, self.budget = stats, budget

	def call(self, op, method, path, **kw):
		"""The response's JSON, or None after an error (recorded)."""
		if self.budget:
			self.budget.take()
		if op:  # names the operation for the server-side profile (benchmarks/profile_requests.py)
			kw.setdefault("headers", {})["X-Load-Op"] = op
		t0 = time.perf_counter()
		try:
			resp = self.session.request(method, self.url + path, timeout=TIMEOUT, **kw)
			ms = (time.perf_counter() - t0) * 1000
			if resp.status_code >= 400:
				error = error_summary(resp)
			else:
				try:
					body = resp.json()
					error = None
				except ValueError:
					error = (f"HTTP {resp.status_code}: not JSON: {resp.text[:200]!r}", "")
		except requests.RequestException as e:
			ms = (time.perf_counter() - t0) * 1000
			error = (f"{type(e).__name__}: {str(e)[:300]}", "")
		if self.stats is not None:
			self.stats.record(op, ms, error)
		elif error:
			raise RuntimeError(f"{method} {path}: {error[0]}\n{error[1]}")
		return None if error else body

	def method(self, op, name, /, **data):
		"""POST a whitelisted method, lists and dicts as JSON."""
		form = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in data.items()}
		body = self.call(op, "POST", f"/api/method/{name}", data=form)
		return None if body is None else body.get("message")

	def get_list(self, doctype, filters, fields, parent=None):
		args = {"doctype": doctype, "filters": filters, "fields": fields, "limit_page_length": 0}
		if parent:
			args["parent"] = parent
		return retrying(self.method, "read back", "frappe.client.get_list", transient=True, **args)


def resource(doctype, name=None) -> str:
	path = "/api/resource/" + quote(doctype)
	return path + "/" + quote(str(name), safe="") if name is not None else path


# ---------------------------------------------------------------------------------------------- setup


def agent_email(i: int) -> str:
	return f"load-agent-{i}@example.com"


def setup_agents(admin: Client, n: int) -> list[str]:
	"""Users load-agent-0..n-1 with both roles and a fresh API secret each: their ``key:secret``."""
	emails = [agent_email(i) for i in range(n)]
	existing = {
		u["name"] for u in admin.get_list("User", [["name", "like", "load-agent-%@example.com"]], ["name"])
	}
	roles = defaultdict(set)
	for r in admin.get_list("Has Role", [["parent", "like", "load-agent-%"]], ["parent", "role"], "User"):
		roles[r["parent"]].add(r["role"])

	def ensure(i):
		email = emails[i]
		if email not in existing:
			admin.call(
				None,
				"POST",
				resource("User"),
				json={
					"email": email,
					"username": f"load_agent_{i}",  # else Frappe derives "load" for all of them
					"first_name": "Load",
					"last_name": f"Agent {i}",
					"send_welcome_email": 0,
					"user_type": "System User",
					"roles": [{"role": r} for r in AGENT_ROLES],
				},
			)
		elif set(AGENT_ROLES) - roles[email]:
			user = admin.call(None, "GET", resource("User", email))["data"]
			rows = [{"role": r["role"]} for r in user["roles"]]
			rows += [{"role": r} for r in AGENT_ROLES if r not in roles[email]]
			admin.call(None, "PUT", resource("User", email), json={"roles": rows, "enabled": 1})

	def key(i):
		email = emails[i]
		secret = admin.method(None, "frappe.core.doctype.user.user.generate_keys", user=email)["api_secret"]
		key = admin.method(
			None, "frappe.client.get_value", doctype="User", filters=email, fieldname="api_key"
		)
		return f"{key['api_key']}:{secret}"

	# a user's save takes a site-wide lock (Frappe's global default "email_user_password"): the keys of the
	# last run are kept in a file of this machine, and only the users without a working key get a new one
	cache = Path(tempfile.gettempdir()) / f"bench_load_keys_{admin.session.headers['Host']}.json"
	known = json.loads(cache.read_text()) if cache.exists() else {}
	keys = []
	for i in range(n):  # one at a time: concurrent saves of users deadlock in Frappe (global defaults)
		retrying(ensure, i)
		token = known.get(emails[i])
		if not (token and works(admin.url, admin.session.headers["Host"], token, emails[i])):
			token = known[emails[i]] = retrying(key, i)
			cache.write_text(json.dumps(known))
			cache.chmod(0o600)
		keys.append(token)
	return keys


def works(url: str, site: str, token: str, email: str) -> bool:
	try:
		r = requests.get(
			f"{url}/api/method/frappe.auth.get_logged_user",
			headers={"Host": site, "Authorization": f"token {token}"},
			timeout=TIMEOUT,
		)
		return r.ok and r.json().get("message") == email
	except (requests.RequestException, ValueError):
		return False


def retrying(fn, *args, seconds=150, transient=False, **kw):
	"""Setup steps wait out Frappe's throttle (60 users a minute, site-wide) and retry a deadlock; reads
	(``transient``) also retry a server error or a lost connection (the database restarting)."""
	deadline = time.monotonic() + seconds
	while True:
		try:
			return fn(*args, **kw)
		except (RuntimeError, requests.RequestException) as e:
			again = transient or "Throttled" in str(e) or "Deadlock" in str(e)
			if time.monotonic() > deadline or not again:
				raise
			time.sleep(5)


def setup_groups(admin: Client, n: int) -> None:
	"""The three load groups, every agent a member (round robin), L1 -> L2 -> L3."""
	wanted = [agent_email(i) for i in range(n)]
	for name, tier, escalates_to in reversed(GROUPS):
		found = admin.get_list("ITIL Support Group", [["name", "=", name]], ["name"])
		if not found:
			admin.call(
				None,
				"POST",
				resource("ITIL Support Group"),
				json={
					"group_name": name,
					"tier": tier,
					"escalation_group": escalates_to,
					"assignment": "Round Robin",
					"members": [{"user": u} for u in wanted],
				},
			)
			continue
		group = admin.call(None, "GET", resource("ITIL Support Group", name))["data"]
		members = [m["user"] for m in group["members"]]
		missing = [u for u in wanted if u not in members]
		if missing or group.get("escalation_group") != escalates_to:
			admin.call(
				None,
				"PUT",
				resource("ITIL Support Group", name),
				json={
					"escalation_group": escalates_to,
					"assignment": group.get("assignment") or "Round Robin",
					"members": [{"user": u} for u in members + missing],
				},
			)


CALLERS = 20  # contacts of customers: the callers of both kinds of tickets
OPEN_PER_CALLER = 3  # open tickets each caller already has, on each side, before the run


def setup_callers(admin: Client, n: int = CALLERS) -> list[dict]:
	"""Contacts ``load-caller-<i>@example.com``, each linked to one of the site's customers (round robin):
	``[{"email", "customer"}]``. Callers without a customer when the site has none (a Frappe-only site)."""
	customers = names_of(admin, "Customer", []) if exists(admin, "DocType", "Customer") else []
	known = {
		r["email_id"]: r["parent"]
		for r in admin.get_list(
			"Contact Email",
			[["email_id", "like", "load-caller-%@example.com"]],
			["parent", "email_id"],
			"Contact",
		)
	}
	callers = []
	for i in range(n):
		email = f"load-caller-{i}@example.com"
		customer = customers[i % len(customers)] if customers else None
		if email not in known:
			values = {
				"first_name": "Load Caller",
				"last_name": str(i),
				"email_ids": [{"email_id": email, "is_primary": 1}],
			}
			if customer:
				values["links"] = [{"link_doctype": "Customer", "link_name": customer}]
			admin.call(None, "POST", resource("Contact"), json=values)
		else:
			links = admin.get_list(
				"Dynamic Link",
				[["parent", "=", known[email]], ["link_doctype", "=", "Customer"]],
				["link_name"],
				"Contact",
			)
			customer = links[0]["link_name"] if links else None
		callers.append({"email": email, "customer": customer})
	return callers


def exists(admin: Client, doctype: str, name: str) -> bool:
	return bool(admin.get_list(doctype, [["name", "=", name]], ["name"]))


def names_of(admin: Client, doctype: str, fallback: list[str], exclude=()) -> list[str]:
	"""The records of a doctype, without those the test suites leave behind (named "_...")."""
	rows = admin.get_list(doctype, [], ["name"])
	found = [r["name"] for r in rows if r["name"] not in exclude and not r["name"].startswith("_")]
	return found or fallback


def setup_issue_teams(admin: Client, n: int) -> None:
	"""The Issue side's support teams, as an ERPNext desk that escalates issues between teams sets them up:
	an Issue Type per team (the load groups' names) and an Assignment Rule per team, round robin over the
	agents while the issue is open with that team, unassigned when it leaves the team, closed when it is
	resolved. These are the rules itil_crm makes for its support groups (service_desk/assignment.py), so
	both sides assign, reassign and close with the same Frappe machinery."""
	users = [{"user": agent_email(i)} for i in range(n)]
	if exists(admin, "Assignment Rule", "Load Issues"):  # the single rule of earlier versions of this script
		admin.call(None, "PUT", resource("Assignment Rule", "Load Issues"), json={"disabled": 1})
	for team, _tier, _next in GROUPS:
		if not exists(admin, "Issue Type", team):
			admin.call(
				None, "POST", resource("Issue Type"), json={"__newname": team, "description": "Load team"}
			)
		literal = json.dumps(team)
		values = {
			"document_type": "Issue",
			"priority": 1,
			"disabled": 0,
			"description": f"Issues of the team {team} go to its members.",
			"rule": "Round Robin",
			"assign_condition": f'issue_type == {literal} and status in ("Open", "Replied", "On Hold")',
			"unassign_condition": f"issue_type != {literal}",
			"close_condition": 'status in ("Resolved", "Closed")',
			"users": users,
			"assignment_days": [
				{"day": d}
				for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
			],
		}
		rule = f"Load Issues {team}"
		if exists(admin, "Assignment Rule", rule):
			admin.call(None, "PUT", resource("Assignment Rule", rule), json=values)
		else:
			admin.call(None, "POST", resource("Assignment Rule"), json={"__newname": rule, **values})


# ------------------------------------------------------------------------------------------ scenarios


class Target:
	"""What one kind of ticket needs: its doctype, reference values and the steps of a scenario."""

	label = doctype = ""

	def __init__(self, admin: Client, run: str, agents: int, hot: int):
		self.run, self.agents = run, agents
		self.ledger = Ledger()
		self.hot = [self.create_hot(admin, i) for i in range(hot)]

	def surround(self, admin: Client):
		"""Open tickets around: each caller has OPEN_PER_CALLER open ones before the run (made once)."""
		field = self.caller_field
		open_ = Counter(
			r[field]
			for r in admin.get_list(
				self.doctype,
				[[field, "like", "load-caller-%"], ["status", "in", self.open_statuses]],
				[field],
			)
		)
		rng = random.Random(0)
		for caller in self.callers:
			for k in range(OPEN_PER_CALLER - open_[caller["email"]]):
				values = self.new("around", k, rng) | self.from_caller(caller)
				admin.call(None, "POST", resource(self.doctype), json={k: v for k, v in values.items() if v})

	def token(self, agent, loop, step) -> str:
		return f"LD{self.run}-{self.doctype[:3].lower()}{agent}-{loop}-{step}"

	def subject(self, agent, loop) -> str:
		return f"[load {self.run}] {random.choice(SUBJECTS)} (agent {agent}, #{loop})"

	def list_view(self, c: Client, fields, filters):
		return c.method(
			"list",
			"frappe.desk.reportview.get",
			doctype=self.doctype,
			fields=fields,
			filters=filters,
			order_by="modified desc",
			start=0,
			page_length=20,
			view="List",
			with_comment_count=1,
		)

	def common(self, c: Client, agent: int, loop: int, name: str, rng: random.Random):
		"""Update, comment, the hot record's update and comment: the same for both targets."""
		tok = self.token(agent, loop, "u")
		if c.call("update", "PUT", resource(self.doctype, name), json={"description": f"<p>{tok}</p>"}):
			self.ledger.field(name, "description", tok)
		self.comment(c, "comment", name, self.token(agent, loop, "c"), agent)
		hot = rng.choice(self.hot)
		tok = self.token(agent, loop, "h")
		body = c.call("hot update", "PUT", resource(self.doctype, hot), json={"description": f"<p>{tok}</p>"})
		if body:
			self.ledger.hot_write(hot, body["data"]["modified"], tok)
		self.comment(c, "hot comment", hot, self.token(agent, loop, "hc"), agent)

	def comment(self, c: Client, op, name, tok, agent):
		if c.method(
			op,
			"frappe.desk.form.utils.add_comment",
			reference_doctype=self.doctype,
			reference_name=name,
			content=f"<p>Load comment {tok}</p>",
			comment_email=agent_email(agent),
			comment_by=f"Load Agent {agent}",
		):
			self.ledger.add("comments", name, tok)

	# the read back, as Administrator
	def verify(self, admin: Client) -> tuple[int, list[str]]:
		lost = []
		led = self.ledger
		names = sorted(
			{n for n, _f in led.fields} | set(led.hot) | {n for n, _t in led.comments + led.children}
		)
		fields = sorted({f for _n, f in led.fields} | {"description"})
		docs, comments, children = {}, defaultdict(str), defaultdict(str)
		for i in range(0, len(names), 200):
			chunk = names[i : i + 200]
			for d in admin.get_list(self.doctype, [["name", "in", chunk]], ["name", *fields]):
				docs[d["name"]] = d
			for r in admin.get_list(
				"Comment",
				[
					["reference_doctype", "=", self.doctype],
					["reference_name", "in", chunk],
					["comment_type", "=", "Comment"],
				],
				["reference_name", "content"],
			):
				comments[r["reference_name"]] += r["content"] or ""
			for parent, text in self.child_texts(admin, chunk) if led.children else ():
				children[parent] += text or ""
		for (name, field), tok in led.fields.items():
			if tok not in str((docs.get(name) or {}).get(field) or ""):
				lost.append(f"{self.doctype} {name}.{field}: {tok} missing")
		for name, writes in led.hot.items():
			modified, tok = max(writes)
			if tok not in str((docs.get(name) or {}).get("description") or ""):
				lost.append(f"hot {self.doctype} {name}.description: last write {tok} ({modified}) not kept")
		for name, tok in led.comments:
			if tok not in comments[name]:
				lost.append(f"comment {tok} on {name} missing")
		for name, tok in led.children:
			if tok not in children[name]:
				lost.append(f"{self.escalation_kind} {tok} of {name} missing")
		return led.count, lost


class ITIL(Target):
	label, doctype, escalation_kind = "ITIL Incident", "ITIL Incident", "escalation row"
	caller_field, open_statuses = "caller_email", OPEN_INCIDENT

	@staticmethod
	def from_caller(caller: dict) -> dict:
		return {"caller_email": caller["email"]}  # the app finds the contact and its customer

	def __init__(self, admin: Client, run: str, agents: int, hot: int):
		matrix = admin.call(None, "GET", resource("ITIL Settings", "ITIL Settings"))["data"][
			"priority_matrix"
		]
		self.pairs = [(r["impact"], r["urgency"]) for r in matrix] or [("Medium", "Medium")]
		self.channels = names_of(
			admin,
			"ITIL Channel",
			["Portal"],
			exclude={"Monitoring Event", "Helpdesk Ticket", "ERPNext Issue"},
		)
		self.cis = names_of(admin, "ITIL Configuration Item", [])
		self.callers = setup_callers(admin)
		self.tickets = exists(admin, "DocType", "HD Ticket")
		super().__init__(admin, run, agents, hot)
		self.surround(admin)

	def new(self, agent, loop, rng):
		"""As an agent logs a call: the caller's email (the app finds the contact and its customer), the
		CI two times in three, impact and urgency, the channel, the first-line group (which assigns)."""
		values = {
			"subject": self.subject(agent, loop),
			"description": f"<p>Reported by a caller during load run {self.run}.</p>",
			**dict(zip(("impact", "urgency"), rng.choice(self.pairs))),
			"channel": rng.choice(self.channels),
			"support_group": GROUPS[0][0],
			"caller_email": rng.choice(self.callers)["email"],
		}
		if self.cis and rng.random() < 2 / 3:
			values["configuration_item"] = rng.choice(self.cis)
		return values

	def create_hot(self, admin: Client, i: int) -> str:
		"""The hot incidents have a Helpdesk ticket behind them (raised from it) where Helpdesk is installed:
		every write to them goes to their ticket too."""
		if self.tickets:
			ticket = admin.call(
				None,
				"POST",
				resource("HD Ticket"),
				json={
					"subject": f"[load {self.run}] Shared outage {i}",
					"description": "<p>Everyone on the floor is affected.</p>",
					"raised_by": self.callers[i % len(self.callers)]["email"],
				},
			)["data"]["name"]
			name = admin.method(
				None, "itil_crm.ticket_bridge.intake.raise_from_ticket", doctype="HD Ticket", name=ticket
			)["name"]
			admin.call(None, "PUT", resource(self.doctype, name), json={"support_group": GROUPS[0][0]})
			return name
		doc = admin.call(None, "POST", resource(self.doctype), json=self.new(f"hot{i}", 0, random.Random(i)))
		return doc["data"]["name"]

	def scenario(self, c: Client, agent: int, loop: int, rng: random.Random) -> None:
		body = c.call("create", "POST", resource(self.doctype), json=self.new(agent, loop, rng))
		if body:
			name = body["data"]["name"]
			self.common(c, agent, loop, name, rng)
			tok = self.token(agent, loop, "e")
			if c.method(
				"escalate",
				"run_doc_method",
				dt=self.doctype,
				dn=name,
				method="escalate",
				args={"reason": tok},
			):
				self.ledger.add("children", name, tok)
			tok = self.token(agent, loop, "r")
			if c.call(
				"resolve",
				"PUT",
				resource(self.doctype, name),
				json={
					"status": "Resolved",
					"resolution_code": "Permanent Fix",
					"resolution_notes": f"<p>{tok}</p>",
				},
			):
				self.ledger.field(name, "resolution_notes", tok)
				self.ledger.field(name, "status", "Resolved")
		self.list_view(
			c,
			[
				"name",
				"subject",
				"status",
				"priority",
				"support_group",
				"sla_status",
				"resolution_by",
				"_assign",
			],
			[["status", "in", OPEN_INCIDENT]],
		)
		c.method(
			"report",
			"frappe.desk.query_report.run",
			report_name="ITIL Backlog Ageing",
			filters={"group_by": rng.choice(["Priority", "Support Group", "Tier", "Status"])},
			ignore_prepared_report=0,
			are_default_filters=0,
		)

	def child_texts(self, admin: Client, chunk):
		rows = admin.get_list("ITIL Escalation", [["incident", "in", chunk]], ["incident", "reason"])
		return [(r["incident"], r["reason"]) for r in rows]


class Issue(Target):
	label, doctype = "ERPNext Issue", "Issue"  # its escalation leaves a field, not a record
	caller_field, open_statuses = "raised_by", OPEN_ISSUE

	@staticmethod
	def from_caller(caller: dict) -> dict:
		return {"raised_by": caller["email"], "customer": caller["customer"]}

	def __init__(self, admin: Client, run: str, agents: int, hot: int):
		self.priorities = names_of(admin, "Issue Priority", [])
		defaults = admin.call(None, "GET", resource("Global Defaults", "Global Defaults"))["data"]
		companies = names_of(admin, "Company", [])
		self.company = defaults.get("default_company") or (companies[0] if companies else None)
		year = datetime.date.today().year
		self.period = {"from_date": f"{year}-01-01", "to_date": f"{year}-12-31"}
		self.callers = setup_callers(admin)
		self.setup_sla(admin, year)
		setup_issue_teams(admin, agents)
		super().__init__(admin, run, agents, hot)
		self.surround(admin)

	def setup_sla(self, admin: Client, year: int):
		"""ERPNext's service level agreements on, with a default agreement for Issue (as a support desk that
		uses them has): response and resolution targets per priority, working days, holidays."""
		admin.call(
			None,
			"PUT",
			resource("Support Settings", "Support Settings"),
			json={"track_service_level_agreement": 1},
		)
		found = admin.get_list(
			"Service Level Agreement",
			[["document_type", "=", "Issue"], ["default_service_level_agreement", "=", 1]],
			["name", "enabled"],
		)
		if found:
			if not found[0]["enabled"]:
				admin.call(
					None, "PUT", resource("Service Level Agreement", found[0]["name"]), json={"enabled": 1}
				)
			return
		holidays = f"Load Holidays {year}"
		if not exists(admin, "Holiday List", holidays):
			admin.call(
				None,
				"POST",
				resource("Holiday List"),
				json={
					"holiday_list_name": holidays,
					"from_date": f"{year - 1}-01-01",
					"to_date": f"{year + 1}-12-31",
					"holidays": [{"holiday_date": f"{year}-12-25", "description": "Christmas"}],
				},
			)
		admin.call(
			None,
			"POST",
			resource("Service Level Agreement"),
			json={
				"service_level": "Load Issues SLA",
				"document_type": "Issue",
				"default_service_level_agreement": 1,
				"enabled": 1,
				"holiday_list": holidays,
				"default_priority": self.priorities[0],
				"apply_sla_for_resolution": 1,
				"priorities": [
					{
						"priority": p,
						"response_time": 4 * 3600,
						"resolution_time": 24 * 3600,
						"default_priority": int(i == 0),
					}
					for i, p in enumerate(self.priorities)
				],
				"sla_fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
				"pause_sla_on": [{"status": "On Hold"}],
				"support_and_resolution": [
					{"workday": d, "start_time": "00:00:00", "end_time": "23:59:59"}
					for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
				],
			},
		)

	def new(self, agent, loop, rng):
		"""As an agent logs a customer's call: its contact's email, its customer, a priority.
		(No issue type: itil_crm's Ticket Intake raises incidents only from the "Incident" type.)"""
		caller = rng.choice(self.callers)
		values = {
			"subject": self.subject(agent, loop),
			"description": f"<p>Reported by a customer during load run {self.run}.</p>",
			"raised_by": caller["email"],
			"issue_type": GROUPS[0][0],  # the first-line team (its rule assigns)
		}
		if caller["customer"]:
			values["customer"] = caller["customer"]
		if self.priorities:
			values["priority"] = rng.choice(self.priorities)
		return values

	def create_hot(self, admin: Client, i: int) -> str:
		doc = admin.call(None, "POST", resource(self.doctype), json=self.new(f"hot{i}", 0, random.Random(i)))
		return doc["data"]["name"]

	def scenario(self, c: Client, agent: int, loop: int, rng: random.Random) -> None:
		body = c.call("create", "POST", resource(self.doctype), json=self.new(agent, loop, rng))
		if body:
			name = body["data"]["name"]
			self.common(c, agent, loop, name, rng)
			# escalating an issue to the next team: its team changes, and the teams' rules reassign it
			if c.call("escalate", "PUT", resource(self.doctype, name), json={"issue_type": GROUPS[1][0]}):
				self.ledger.field(name, "issue_type", GROUPS[1][0])
			tok = self.token(agent, loop, "r")
			if c.call(
				"resolve",
				"PUT",
				resource(self.doctype, name),
				json={"status": "Resolved", "resolution_details": f"<p>{tok}</p>"},
			):
				self.ledger.field(name, "resolution_details", tok)
				self.ledger.field(name, "status", "Resolved")
		self.list_view(
			c,
			[
				"name",
				"subject",
				"status",
				"priority",
				"customer",
				"agreement_status",
				"resolution_by",
				"_assign",
			],
			[["status", "in", OPEN_ISSUE]],
		)
		filters = {
			"company": self.company,
			"based_on": rng.choice(["Customer", "Issue Type", "Issue Priority", "Assigned To"]),
			**self.period,
		}
		c.method(
			"report",
			"frappe.desk.query_report.run",
			report_name="Issue Summary",
			filters=filters,
			ignore_prepared_report=0,
			are_default_filters=0,
		)


# ------------------------------------------------------------------------------------------- lock waits

LOCK_WAITS = """select l.lock_table, l.lock_index, l.lock_mode, l.lock_data
	from information_schema.innodb_lock_waits w
	join information_schema.innodb_locks l on l.lock_id = w.requested_lock_id"""
COUNTERS = "show global status where Variable_name in ('Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Innodb_deadlocks')"


class LockWatch:
	"""With MariaDB's root password (``--db-password``): InnoDB's row lock waits and deadlocks during a
	target's run (server-wide counters), and which rows were waited for (information_schema sampled every
	0.2 s: table, index, key)."""

	def __init__(self, password: str | None):
		self.db = None
		if password:
			import pymysql

			self.db = pymysql.connect(host="127.0.0.1", user="root", password=password, autocommit=True)
		self.samples = Counter()
		self.stop = threading.Event()

	def counters(self) -> dict:
		with self.db.cursor() as cur:
			cur.execute(COUNTERS)
			return {k: int(v) for k, v in cur.fetchall()}

	def __enter__(self):
		if self.db:
			self.before = self.counters()
			self.thread = threading.Thread(target=self.sample, daemon=True)
			self.thread.start()
		return self

	def sample(self):
		with self.db.cursor() as cur:
			while not self.stop.wait(0.2):
				cur.execute(LOCK_WAITS)
				for table, index, mode, data in cur.fetchall():
					key = (data or "")[:60]
					self.samples[f"{table.split('.')[-1]} {index or ''} {mode} {key}"] += 1

	def __exit__(self, *exc):
		if self.db:
			self.stop.set()
			self.thread.join()
			after = self.counters()
			self.delta = {k: after[k] - self.before.get(k, 0) for k in after}

	def report(self) -> None:
		if not self.db:
			return
		d = self.delta
		print(
			f"InnoDB (whole server): {d.get('Innodb_row_lock_waits', 0)} row lock waits, "
			f"{d.get('Innodb_row_lock_time', 0) / 1000:.1f} s waited, {d.get('Innodb_deadlocks', 0)} deadlocks"
		)
		for key, n in self.samples.most_common(8):
			print(f"  {n:5d} x waiting for {key}")


# ------------------------------------------------------------------------------------------------ run


def load(target: Target, args, keys: list[str], warm: bool) -> tuple[Stats, float]:
	"""Every agent runs scenarios until the budget is spent: (stats, wall seconds)."""
	stats = Stats()
	if warm:  # one scenario on a few agents, so every worker has imported the doctype's code
		warm_stats = Stats()
		n = min(4, len(keys))
		threads = [
			threading.Thread(target=run_agent, args=(target, args, keys, i, warm_stats, Budget(60, 9), True))
			for i in range(n)
		]
		for t in threads:
			t.start()
		for t in threads:
			t.join()
		for op, summary, trace in warm_stats.errors:
			stats.errors.append((f"warm-up {op}", summary, trace))
	budget = Budget(args.seconds, args.max_requests)
	t0 = time.perf_counter()
	threads = [
		threading.Thread(target=run_agent, args=(target, args, keys, i, stats, budget, False), daemon=True)
		for i in range(len(keys))
	]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=max(1.0, args.seconds + TIMEOUT + 30 - (time.perf_counter() - t0)))
	return stats, time.perf_counter() - t0


def run_agent(target: Target, args, keys, i, stats: Stats, budget: Budget, warm_up: bool) -> None:
	"""Scenarios until the budget is spent (loop 0: the warm-up's single one)."""
	client = Client(args.url, args.site, stats, budget, keys[i])
	rng = random.Random(f"{target.run}-{i}-{warm_up}")
	loop = 0 if warm_up else 1
	if not warm_up and args.stagger:
		# agents do not all click at the same instant: started together, they would move in lockstep
		# (everyone creating, then everyone escalating...) and each operation would be timed against a
		# queue made of its own kind only
		time.sleep(rng.uniform(0, args.stagger))
	try:
		while True:
			target.scenario(client, i, loop, rng)
			with stats.lock:
				stats.scenarios += 1
			if warm_up:
				break
			loop += 1
	except Stop:
		pass
	except Exception as e:  # a bug of this script: say it, count it
		stats.record("agent", 0.0, (f"agent {i} crashed: {type(e).__name__}: {e}", ""))


def percentile(values: list[float], q: float) -> float:
	"""Nearest rank."""
	if not values:
		return float("nan")
	ordered = sorted(values)
	return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


def summary(values):
	return {q: percentile(values, q) for q in (50, 95, 99)} | {"max": max(values) if values else float("nan")}


def report(target: Target, stats: Stats, wall: float, checked: int, lost: list[str], args) -> dict:
	everything = [ms for v in stats.latency.values() for ms in v]
	requests_done, errors = stats.requests, len(stats.errors)
	rate = errors / requests_done * 100 if requests_done else 0.0
	print(f"\n== {target.label}: {len(args.keys)} agents, {args.seconds:g} s, gunicorn at {args.url} ==")
	print("(after a warm-up of one scenario on 4 agents, its errors counted, its latencies not)")
	print(
		f"requests {requests_done}   scenarios {stats.scenarios}   wall {wall:.1f} s   "
		f"throughput {requests_done / wall:.1f} req/s"
	)
	print(f"errors {errors} ({rate:.3f} %)")
	kinds = Counter(f"{op}: {line}" for op, line, _trace in stats.errors)
	traces = {}
	for op, line, trace in stats.errors:
		traces.setdefault(f"{op}: {line}", trace)
	for n, (kind, count) in enumerate(kinds.most_common()):
		if n == 6:
			print(f"  ... {len(kinds) - n} more kinds")
			break
		print(f"  {count} x {kind}")
		if traces[kind] and n < 3:  # where it was raised: the end of the first traceback of the kind
			print("      " + "\n      ".join(traces[kind].strip().splitlines()[-14:]))
	if args.errors_log and stats.errors:
		with open(args.errors_log, "a") as f:
			for op, line, trace in stats.errors:
				f.write(
					json.dumps({"target": target.label, "op": op, "error": line, "traceback": trace}) + "\n"
				)
		print(f"  every error with its traceback: {args.errors_log}")
	print(f"  {'operation':<14}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
	rows = {"all": summary(everything)}
	for op in ("all", *OPERATIONS):
		values = everything if op == "all" else stats.latency.get(op, [])
		if not values:
			continue
		rows[op] = s = summary(values)
		print(f"  {op:<14}{len(values):>8}{s[50]:>10.0f}{s[95]:>10.0f}{s[99]:>10.0f}{s['max']:>10.0f}")
	print(f"lost updates: {len(lost)} of {checked} acknowledged writes read back")
	for line in lost[:10]:
		print(f"  {line}")
	return rows


def compare(itil: dict, issue: dict) -> None:
	print("\n== ITIL Incident / ERPNext Issue, same run, same load ==")
	print(f"  {'operation':<14}{'p50 ratio':>11}{'p95 ratio':>11}")
	for op in ("all", *OPERATIONS):
		if op in itil and op in issue:
			a, b = itil[op], issue[op]
			print(f"  {op:<14}{a[50] / b[50]:>10.2f}x{a[95] / b[95]:>10.2f}x")


# ---------------------------------------------------------------------------------------------- serve


def serve(bench: str, url: str, workers: int = 4):
	"""gunicorn with ``workers`` workers on the URL's port, from BENCH/sites; returns the process."""
	parsed = urlparse(url)
	host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
	with socket.socket() as s:
		if s.connect_ex((host, port)) == 0:
			sys.exit(f"--serve: something already listens on {host}:{port}")
	repo = str(Path(__file__).resolve().parent.parent)
	env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")])))
	log = open(Path(tempfile.gettempdir()) / f"bench_load_gunicorn_{port}.log", "a")
	proc = subprocess.Popen(
		[
			str(Path(bench) / "env" / "bin" / "gunicorn"),
			*("-b", f"{host}:{port}", "-w", str(workers), "-t", "120", "--preload"),
			"frappe.app:application",
		],
		cwd=Path(bench) / "sites",
		env=env,
		stdout=log,
		stderr=subprocess.STDOUT,
		start_new_session=True,
	)
	return proc, log.name


def stop(proc) -> None:
	if proc.poll() is None:
		os.killpg(proc.pid, signal.SIGTERM)
		try:
			proc.wait(30)
		except subprocess.TimeoutExpired:
			os.killpg(proc.pid, signal.SIGKILL)
			proc.wait()


def wait_until_up(url: str, site: str, proc=None, seconds: float = 90) -> None:
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		if proc is not None and proc.poll() is not None:
			raise RuntimeError(f"gunicorn exited with {proc.returncode}")
		try:
			r = requests.get(f"{url}/api/method/ping", headers={"Host": site}, timeout=5)
			if r.ok:
				return
		except requests.RequestException:
			pass
		time.sleep(0.5)
	raise RuntimeError(f"{url} did not answer /api/method/ping within {seconds:g} s")


# ----------------------------------------------------------------------------------------------- main


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--url", default="http://127.0.0.1:8020")
	parser.add_argument("--site", default="real.localhost", help="sent as the Host header")
	parser.add_argument("--admin-password", default=os.environ.get("ITIL_CRM_ADMIN_PASSWORD", "admin"))
	parser.add_argument("--agents", type=int)
	parser.add_argument("--seconds", type=float)
	parser.add_argument("--max-requests", type=int, help="hard bound on the requests of each target")
	parser.add_argument("--target", choices=("itil", "issue", "both"), default="both")
	parser.add_argument("--hot", type=int, help="records every agent writes to (default agents / 10)")
	parser.add_argument("--smoke", action="store_true", help="10 agents for 20 s (CI)")
	parser.add_argument("--serve", metavar="BENCH_PATH", help="start (and stop) gunicorn, 4 workers")
	parser.add_argument(
		"--errors-log", metavar="FILE", help="append every error and its traceback (JSON lines)"
	)
	parser.add_argument("--db-password", help="MariaDB's root password: report lock waits and deadlocks")
	parser.add_argument(
		"--stagger",
		type=float,
		default=10.0,
		help="agents start at random moments within this many seconds (0: all at once, in lockstep)",
	)
	args = parser.parse_args()
	args.agents = args.agents or (10 if args.smoke else 50)
	args.seconds = args.seconds or (20 if args.smoke else 120)
	args.max_requests = args.max_requests or (5_000 if args.smoke else 60_000)
	args.hot = args.hot or max(1, args.agents // 10)
	host = urlparse(args.url).hostname
	if host not in ("127.0.0.1", "localhost", "::1"):
		sys.exit(f"loopback only: {args.url}")

	proc = None
	started = time.perf_counter()
	try:
		if args.serve:
			proc, log = serve(args.serve, args.url)
			print(f"gunicorn (4 workers) started on {args.url}, pid {proc.pid}, log {log}")
		wait_until_up(args.url, args.site, proc)
		admin = Client(args.url, args.site)
		login = {"usr": "Administrator", "pwd": args.admin_password}
		retrying(admin.call, None, "POST", "/api/method/login", data=login, transient=True, seconds=60)
		t0 = time.perf_counter()
		args.keys = setup_agents(admin, args.agents)
		kinds = {"itil": [ITIL], "issue": [Issue], "both": [ITIL, Issue]}[args.target]
		if ITIL in kinds:
			setup_groups(admin, args.agents)
		run = secrets.token_hex(3)
		targets = [kind(admin, run, args.agents, args.hot) for kind in kinds]
		print(
			f"run {run}: {args.agents} agents, {args.seconds:g} s and at most {args.max_requests} requests "
			f"per target, {args.hot} hot record(s) per target; setup {time.perf_counter() - t0:.1f} s"
		)
	except Exception as e:
		if proc:
			stop(proc)
		print(f"setup failed: {e}", file=sys.stderr)
		sys.exit(2)

	failed = False
	rows = {}
	try:
		for target in targets:
			with LockWatch(args.db_password) as locks:
				stats, wall = load(target, args, args.keys, warm=True)
			try:
				checked, lost = target.verify(admin)
			except Exception as e:
				checked, lost = target.ledger.count, [f"could not read back: {str(e)[:300]}"]
			rows[target.doctype] = report(target, stats, wall, checked, lost, args)
			locks.report()
			failed = failed or bool(stats.errors) or bool(lost)
		if len(rows) == 2:
			compare(rows["ITIL Incident"], rows["Issue"])
	finally:
		if proc:
			stop(proc)
	print(f"\n{'FAIL' if failed else 'OK'}: total wall time {time.perf_counter() - started:.0f} s")
	sys.exit(1 if failed else 0)


if __name__ == "__main__":
	main()
