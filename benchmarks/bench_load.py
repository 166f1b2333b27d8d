"""Load over HTTP: N concurrent simulated agents against gunicorn, ITIL incidents beside plain ERPNext
Issues in the same run, with an error rate of 0 and no lost update.

	python benchmarks/bench_load.py [--url http://127.0.0.1:8020] [--site real.localhost]
		[--admin-password admin] [--agents 50] [--seconds 120] [--max-requests 60000]
		[--target itil|issue|both] [--smoke] [--serve BENCH_PATH]

Talks to a served site only (the Host header names the site), loopback by default. As Administrator it
sets up what the agents need: users ``load-agent-<i>@example.com`` (reused from run to run) with the
roles *ITIL Service Desk Agent* and *Support Team*, an API key each, three support groups ``Load L1`` ->
``Load L2`` -> ``Load L3`` whose members they are (round robin), and a few shared "hot" records per
target. Each agent has its own session and loops, one scenario per loop, until the time or the request
budget (``--max-requests`` per target: a hard bound) runs out:

- ITIL Incident: create (in Load L1), update, comment, escalate (``run_doc_method`` escalate, to Load L2),
  update and comment a hot incident every agent writes to, resolve, the list view
  (``frappe.desk.reportview.get``, 20 rows) and the *ITIL Backlog Ageing* report;
- ERPNext Issue: create, update, comment, "escalate" (``assign_to.add`` to another agent), the same hot
  record writes, resolve, the list view and ERPNext's *Issue Summary* report.

Every write the site acknowledged (HTTP 200) leaves a unique token (a field's value, a comment, an
escalation's reason, a ToDo's description); at the end they are read back as Administrator and any one
missing is a lost update (on a hot record, the value left must be the one of the write saved last).
Errors are HTTP statuses >= 400, transport errors and timeouts (60 s). Prints per target the requests,
errors, throughput and p50 / p95 / p99 / max latency per operation, then ITIL / Issue ratios; exits 1 if
there was an error or a lost update (``--smoke``: 10 agents for 20 s, for CI), 2 if setup failed.

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


def names_of(admin: Client, doctype: str, fallback: list[str], exclude=()) -> list[str]:
	"""The records of a doctype, without those the test suites leave behind (named "_...")."""
	rows = admin.get_list(doctype, [], ["name"])
	found = [r["name"] for r in rows if r["name"] not in exclude and not r["name"].startswith("_")]
	return found or fallback


# ------------------------------------------------------------------------------------------ scenarios


class Target:
	"""What one kind of ticket needs: its doctype, reference values and the steps of a scenario."""

	label = doctype = ""

	def __init__(self, admin: Client, run: str, agents: int, hot: int):
		self.run, self.agents = run, agents
		self.ledger = Ledger()
		self.hot = [self.create_hot(admin, i) for i in range(hot)]

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
			for parent, text in self.child_texts(admin, chunk):
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
		super().__init__(admin, run, agents, hot)

	def new(self, agent, loop, rng):
		return {
			"subject": self.subject(agent, loop),
			"description": f"<p>Reported by a caller during load run {self.run}.</p>",
			**dict(zip(("impact", "urgency"), rng.choice(self.pairs))),
			"channel": rng.choice(self.channels),
			"support_group": GROUPS[0][0],
		}

	def create_hot(self, admin: Client, i: int) -> str:
		rng = random.Random(i)
		doc = admin.call(None, "POST", resource(self.doctype), json=self.new(f"hot{i}", 0, rng))
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
	label, doctype, escalation_kind = "ERPNext Issue", "Issue", "assignment"

	def __init__(self, admin: Client, run: str, agents: int, hot: int):
		self.priorities = names_of(admin, "Issue Priority", [])
		defaults = admin.call(None, "GET", resource("Global Defaults", "Global Defaults"))["data"]
		companies = names_of(admin, "Company", [])
		self.company = defaults.get("default_company") or (companies[0] if companies else None)
		year = datetime.date.today().year
		self.period = {"from_date": f"{year}-01-01", "to_date": f"{year}-12-31"}
		super().__init__(admin, run, agents, hot)

	def new(self, agent, loop, rng):
		# no issue type: itil_crm's Ticket Intake raises incidents only from the "Incident" type
		values = {
			"subject": self.subject(agent, loop),
			"description": f"<p>Reported by a customer during load run {self.run}.</p>",
		}
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
			tok = self.token(agent, loop, "e")
			if c.method(
				"escalate",
				"frappe.desk.form.assign_to.add",
				doctype=self.doctype,
				name=name,
				assign_to=[agent_email((agent + 1) % self.agents)],
				description=tok,
			):
				self.ledger.add("children", name, tok)
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

	def child_texts(self, admin: Client, chunk):
		rows = admin.get_list(
			"ToDo",
			[["reference_type", "=", self.doctype], ["reference_name", "in", chunk]],
			["reference_name", "description"],
		)
		return [(r["reference_name"], r["description"]) for r in rows]


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
			stats, wall = load(target, args, args.keys, warm=True)
			try:
				checked, lost = target.verify(admin)
			except Exception as e:
				checked, lost = target.ledger.count, [f"could not read back: {str(e)[:300]}"]
			rows[target.doctype] = report(target, stats, wall, checked, lost, args)
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
