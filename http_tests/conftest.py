"""Security and reliability tests over HTTP against a served site with itil_crm installed (gunicorn or
`bench serve` on 127.0.0.1). Not part of the pure suite:

    ITIL_CRM_URL=http://127.0.0.1:8012 ITIL_CRM_SITE=site.localhost ITIL_CRM_ADMIN_PASSWORD=admin \
        ITIL_CRM_BENCH=/srv/frappe-bench python -m pytest http_tests

ITIL_CRM_SITE is sent as the Host header (gunicorn serves every site of the bench); ITIL_CRM_BENCH lets
the fuzzing tests read the site's database (row counts and checksums before and after). Every principal
is a real user of the site with its own API key (token authentication), created here; the tests never
assume that the site is empty or that their records are the only ones.
"""

import json
import os
import threading
import uuid
from pathlib import Path

import pytest
from samples import minimal

requests = pytest.importorskip("requests")

ROOT = Path(__file__).resolve().parents[1]


class Client:
	"""One principal: a requests session with token authentication (or none, for Guest)."""

	def __init__(self, base_url: str, host: str | None, label: str, user: str | None = None, token=None):
		self.base_url, self.label, self.user = base_url, label, user
		self.session = requests.Session()
		if host:
			self.session.headers["Host"] = host
		self.session.headers["Accept"] = "application/json"
		if token:
			self.session.headers["Authorization"] = f"token {token[0]}:{token[1]}"

	def call(self, method: str, path: str, **kw) -> "Answer":
		response = self.session.request(method, f"{self.base_url}{path}", timeout=120, **kw)
		return Answer(response)

	def get(self, path: str, **params) -> "Answer":
		return self.call("GET", path, params=_encode(params))

	def post(self, path: str, **data) -> "Answer":
		return self.call("POST", path, data=_encode(data))

	def method(self, _method: str, **data) -> "Answer":
		return self.post(f"/api/method/{_method}", **data)

	def insert(self, doctype: str, doc: dict) -> "Answer":
		return self.call("POST", f"/api/resource/{doctype}", json=doc)

	def update(self, doctype: str, name: str, values: dict) -> "Answer":
		return self.call("PUT", f"/api/resource/{doctype}/{name}", json=values)

	def delete(self, doctype: str, name: str) -> "Answer":
		return self.call("DELETE", f"/api/resource/{doctype}/{name}")

	def doc(self, doctype: str, name: str) -> "Answer":
		return self.get(f"/api/resource/{doctype}/{name}")


def _encode(values: dict) -> dict:
	return {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in values.items()}


class Answer:
	def __init__(self, response):
		self.status = response.status_code
		self.text = response.text
		try:
			self.json = response.json()
		except ValueError:
			self.json = None

	@property
	def ok(self) -> bool:
		return self.status == 200

	@property
	def data(self):
		return (self.json or {}).get("data", (self.json or {}).get("message"))

	@property
	def exc_type(self) -> str:
		return (self.json or {}).get("exc_type", "")

	def message(self) -> str:
		"""What the user is told (server messages), without the traceback."""
		body = self.json or {}
		parts = []
		for raw in json.loads(body.get("_server_messages") or "[]"):
			try:
				parts.append(json.loads(raw).get("message", ""))
			except (ValueError, AttributeError):
				parts.append(str(raw))
		return " | ".join(p for p in parts if p) or body.get("exception", "") or self.text[:200]

	def __repr__(self):
		return f"<{self.status} {self.exc_type} {self.message()[:300]}>"


@pytest.fixture(scope="session")
def served() -> dict:
	url = os.environ.get("ITIL_CRM_URL")
	if not url:
		pytest.skip("ITIL_CRM_URL is not set: no served site to test")
	return {
		"url": url.rstrip("/"),
		"host": os.environ.get("ITIL_CRM_SITE") or None,
		"bench": os.environ.get("ITIL_CRM_BENCH") or None,
	}


@pytest.fixture(scope="session")
def admin(served) -> Client:
	client = Client(served["url"], served["host"], "Administrator", "Administrator")
	answer = client.post(
		"/api/method/login", usr="Administrator", pwd=os.environ.get("ITIL_CRM_ADMIN_PASSWORD", "admin")
	)
	assert answer.ok, answer
	return client


def unique(prefix: str = "_HTTP") -> str:
	return f"{prefix} {uuid.uuid4().hex[:10]}"


def make_user(admin: Client, roles: list[str], user_type: str = "System User", label: str = "") -> Client:
	"""A user of the site holding exactly these roles, with a fresh API key. Named after its label, so
	that a re-run reuses it (Frappe throttles user creation: 60 an hour by default)."""
	slug = "".join(c if c.isalnum() else "-" for c in (label or "-".join(roles)).lower()).strip("-")
	email = f"http-{slug}@example.com"
	values = {
		"first_name": label or "HTTP test",
		"enabled": 1,
		"user_type": user_type,
		"roles": [{"role": r} for r in roles],
		"api_key": uuid.uuid4().hex[:15],
		"api_secret": uuid.uuid4().hex[:15],
	}
	if admin.doc("User", email).ok:
		answer = admin.update("User", email, values)
	else:
		answer = admin.insert("User", {"email": email, "send_welcome_email": 0, **values})
	assert answer.ok, answer
	host = admin.session.headers.get("Host")
	return Client(admin.base_url, host, label, email, (values["api_key"], values["api_secret"]))


_SOURCE_LOCK, _RESERVED = threading.Lock(), set()


def free_source_user(admin: Client) -> str:
	"""A user no event source uses yet (each source needs its own): a free one of the earlier runs, or a
	new one (Frappe throttles user creation)."""
	taken = {
		r["user"]
		for r in admin.get("/api/resource/ITIL Event Source", fields='["user"]', limit_page_length=0).data
	}
	users = admin.get(
		"/api/resource/User", filters=json.dumps({"name": ["like", "http-source-%"]}), limit_page_length=0
	).data
	with _SOURCE_LOCK:
		free = sorted({u["name"] for u in users} - taken - _RESERVED)
		user = (
			free[0]
			if free
			else make_user(admin, ["ITIL Event Source"], "Website User", unique("source")).user
		)
		_RESERVED.add(user)  # not handed out twice in this run, whether its source is saved or not
		return user


def first(admin: Client, doctype: str, filters: dict | None = None) -> str | None:
	answer = admin.get(
		f"/api/resource/{doctype}",
		filters=json.dumps(filters or {}),
		limit_page_length=1,
		order_by="creation asc",
	)
	assert answer.ok, answer
	return answer.data[0]["name"] if answer.data else None


def option(doctype_folder: str, field: str) -> str:
	path = next(ROOT.glob(f"itil_crm/*/doctype/{doctype_folder}/{doctype_folder}.json"))
	fields = {f["fieldname"]: f for f in json.loads(path.read_text())["fields"]}
	return fields[field]["options"].split("\n")[0]


@pytest.fixture(scope="session")
def refs(admin) -> dict:
	def free_group() -> str:
		answer = admin.insert(
			"ITIL Support Group", {"group_name": unique("_HTTP supplier"), "tier": 3, "is_external": 1}
		)
		assert answer.ok, answer
		return answer.data["name"]

	values = {
		"impact": first(admin, "ITIL Impact"),
		"urgency": first(admin, "ITIL Urgency"),
		"priority": first(admin, "ITIL Priority"),
		"calendar": first(admin, "ITIL Service Calendar"),
		"ci_type": first(admin, "ITIL CI Type"),
		"support_group": first(admin, "ITIL Support Group"),
		"fresh_user": lambda: free_source_user(admin),
		"requirement": option("itil_go_live_checklist_template_item", "requirement"),
		"free_group": free_group,
	}
	assert all(values.values()), values
	incident = admin.insert("ITIL Incident", minimal("ITIL Incident", {**values, "incident": None}))
	assert incident.ok, incident
	values["incident"] = incident.data["name"]
	return values


@pytest.fixture(scope="session", autouse=True)
def remove_test_masters(served):
	"""Impacts, urgencies and priorities made by the suites are removed at the end: the priority matrix of
	ITIL Settings must cover every impact x urgency, and the site's admins must still be able to save it."""
	yield
	if not os.environ.get("ITIL_CRM_URL"):
		return
	client = Client(served["url"], served["host"], "Administrator", "Administrator")
	if not client.post(
		"/api/method/login", usr="Administrator", pwd=os.environ.get("ITIL_CRM_ADMIN_PASSWORD", "admin")
	).ok:
		return
	remove_http_masters(client, groups=True)


def remove_http_masters(client: Client, groups: bool = False) -> None:
	"""The impacts, urgencies and priorities the suites made (named _HTTP ...); with `groups`, also their
	supplier connectors and support groups (each group is a column of the board by support group). A
	record still linked from elsewhere stays."""
	for doctype in ("ITIL Impact", "ITIL Urgency", "ITIL Priority"):
		for name in _http_names(client, doctype, "name"):
			client.delete(doctype, name)
	if not groups:
		return
	for name in _http_names(client, "ITIL Supplier Connector", "support_group"):
		client.delete("ITIL Supplier Connector", name)
	for name in _http_names(client, "ITIL Support Group", "name"):
		client.delete("ITIL Support Group", name)


def _http_names(client: Client, doctype: str, field: str) -> list[str]:
	answer = client.get(
		f"/api/resource/{doctype}", filters=json.dumps({field: ["like", "_HTTP %"]}), limit_page_length=0
	)
	return [row["name"] for row in answer.data or []]


@pytest.fixture(scope="session")
def site_db(served):
	"""A pymysql connection to the site's database, or skip (the fuzzing checks need it)."""
	pymysql = pytest.importorskip("pymysql")
	if not (served["bench"] and served["host"]):
		pytest.skip("ITIL_CRM_BENCH and ITIL_CRM_SITE are needed to read the site's database")
	sites = Path(served["bench"]) / "sites"
	config = json.loads((sites / served["host"] / "site_config.json").read_text())
	common = json.loads((sites / "common_site_config.json").read_text())
	connection = pymysql.connect(
		host=config.get("db_host") or common.get("db_host") or "127.0.0.1",
		port=int(config.get("db_port") or common.get("db_port") or 3306),
		user=config.get("db_user") or config["db_name"],
		password=config["db_password"],
		database=config["db_name"],
		autocommit=True,
	)
	yield connection
	connection.close()
