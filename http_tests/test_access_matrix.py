"""docs/permissions.md, enforced over HTTP: each principal (every role of the table, a System Manager
who is not Administrator, a portal customer, a desk user without ITIL roles, a monitoring tool's API
user and Guest) calls every path to every ITIL doctype, and each answer must match the table.

Paths: /api/resource (list, get, insert, update, delete), frappe.client.get / get_value / get_count /
get_list, the report view (frappe.desk.reportview.get), export (export_query), link search
(search_link) and global search. Allowed means HTTP 200 (202 for a delete); refused means 403 and
nothing changed."""

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT, Client, first, make_user, remove_http_masters, unique
from samples import EDITS, minimal

sys.path.insert(0, str(ROOT))
from itil_crm.tests.permission_matrix import parse_permissions_doc

ROLES, MATRIX = parse_permissions_doc()
CUSTOMER = "ITIL Customer"
SETTINGS = "ITIL Settings"
WEBSITE_ROLES = {CUSTOMER, "ITIL Event Source"}
# written by the app only: nobody creates them by hand, so the test has no form for them
SYSTEM_WRITTEN = {
	"ITIL Calendar Feed",
	"ITIL Known Error Term",
	"ITIL Candidate Incident",  # an incident proposed once in a problem candidate
	"ITIL Monitoring Alert",
	"ITIL Supplier Exchange",
	# an incident's history
	"ITIL SLA Event",
	"ITIL Incident Leg",
	"ITIL Escalation",
	# the observatory's monthly counters, kept by a job
	"ITIL Service Rollup",
}


def customer_link(admin: Client) -> tuple[str, str] | None:
	"""A customer record of ERPNext or Helpdesk, when the site has one of them."""
	for doctype, field, extra in (
		("Customer", "customer_name", {}),
		("HD Customer", "customer_name", {}),
	):
		if admin.get(f"/api/resource/{doctype}", limit_page_length=1).ok:
			answer = admin.insert(doctype, {field: unique("_HTTP customer"), **extra})
			assert answer.ok, answer
			return doctype, answer.data["name"]
	return None


@pytest.fixture(scope="session")
def principals(admin, served) -> dict[str, Client]:
	"""One client per column of the table (role -> client)."""
	clients = {}
	for role in ROLES:
		if role == "Guest":
			clients[role] = Client(served["url"], served["host"], "Guest")
		elif role in WEBSITE_ROLES:
			clients[role] = make_user(admin, [role], user_type="Website User", label=role)
		else:
			clients[role] = make_user(admin, [role], label=role)
	customer = clients[CUSTOMER]
	link = customer_link(admin)
	contact = {
		"first_name": "HTTP customer",
		"user": customer.user,
		"email_ids": [{"email_id": customer.user, "is_primary": 1}],
		"links": [{"link_doctype": link[0], "link_name": link[1]}] if link else [],
	}
	assert admin.insert("Contact", contact).ok
	customer.customer = link
	return clients


@pytest.fixture(scope="session")
def samples(admin, refs) -> dict[str, str]:
	"""One existing record per doctype (made by Administrator, or the app's own for system records)."""
	names = {}
	for doctype in MATRIX:
		if doctype == "ITIL Settings":
			names[doctype] = doctype
		elif doctype in SYSTEM_WRITTEN:
			if doctype == "ITIL Calendar Feed":
				assert admin.method("itil_crm.change_enablement.schedule.calendar_feed_url").ok
			names[doctype] = first(admin, doctype)
		else:
			answer = admin.insert(doctype, minimal(doctype, refs))
			assert answer.ok, (doctype, answer)
			names[doctype] = answer.data["name"]
	return names


@pytest.fixture(scope="session")
def customers_incident(admin, principals, refs) -> str:
	"""An incident the portal customer may read: theirs (caller), of their customer when there is one."""
	customer = principals[CUSTOMER]
	values = {**minimal("ITIL Incident", refs), "caller_email": customer.user}
	if customer.customer:
		values.update(customer_type=customer.customer[0], customer=customer.customer[1])
	answer = admin.insert("ITIL Incident", values)
	assert answer.ok, answer
	return answer.data["name"]


def expect(answer, allowed: bool, what: str, errors: list, refused=(403,)):
	if allowed and answer.status not in (200, 202):
		errors.append(f"{what}: expected allowed, got {answer!r}")
	elif not allowed and answer.status not in refused:
		errors.append(f"{what}: expected refused (403), got {answer!r}")


def reads(client: Client, role: str, doctype: str, name: str | None, allowed: bool, errors: list):
	who = f"{role} on {doctype}"
	if name:
		expect(client.doc(doctype, name), allowed, f"{who}: GET /api/resource/<name>", errors)
		expect(
			client.method("frappe.client.get", doctype=doctype, name=name),
			allowed,
			f"{who}: client.get",
			errors,
		)
		if doctype != "ITIL Settings":
			answer = client.method(
				"frappe.client.get_value", doctype=doctype, filters={"name": name}, fieldname="name"
			)
			expect(answer, allowed, f"{who}: client.get_value", errors)
	if doctype == "ITIL Settings":
		return
	expect(client.get(f"/api/resource/{doctype}", limit_page_length=5), allowed, f"{who}: list", errors)
	expect(client.method("frappe.client.get_count", doctype=doctype), allowed, f"{who}: get_count", errors)
	view = client.method("frappe.desk.reportview.get", doctype=doctype, fields=["name"], page_length=5)
	expect(view, allowed, f"{who}: report view", errors)
	export = client.method(
		"frappe.desk.reportview.export_query",
		doctype=doctype,
		fields=["name"],
		file_format_type="CSV",
		filters=[],
	)
	# a portal customer reads their incidents on the portal and through the API; no export
	expect(export, allowed and role != CUSTOMER, f"{who}: export", errors)
	search = client.method("frappe.desk.search.search_link", doctype=doctype, txt="", page_length=5)
	expect(search, allowed, f"{who}: search_link", errors)


def check_principal(role, client, admin, refs, samples, customers_incident, doctypes) -> list[str]:
	errors: list[str] = []
	for doctype in doctypes:
		per_role = MATRIX[doctype]
		rights = per_role[role]
		name = samples[doctype]
		if role == CUSTOMER and doctype == "ITIL Incident":
			reads(client, role, doctype, customers_incident, True, errors)
			expect(client.doc(doctype, name), False, f"{role}: another customer's incident", errors)
		else:
			reads(client, role, doctype, name, "read" in rights, errors)
		single = doctype == "ITIL Settings"
		if not single:
			values = {"doctype": doctype} if doctype in SYSTEM_WRITTEN else minimal(doctype, refs)
			created = client.insert(doctype, values)
			expect(created, "create" in rights, f"{role} creates {doctype}", errors)
		if name and doctype in EDITS:
			field, value = EDITS[doctype]
			expect(
				client.update(doctype, name, {field: value}),
				"write" in rights,
				f"{role} writes {doctype}",
				errors,
			)
		if single:
			continue
		if "delete" in rights:
			victim = admin.insert(doctype, minimal(doctype, refs)) if doctype not in SYSTEM_WRITTEN else None
			if victim is not None:
				assert victim.ok, victim
				expect(client.delete(doctype, victim.data["name"]), True, f"{role} deletes {doctype}", errors)
				if admin.doc(doctype, victim.data["name"]).status != 404:
					errors.append(f"{role} deleted {doctype}: it is still there")
		elif name:
			expect(client.delete(doctype, name), False, f"{role} deletes {doctype}", errors)
			if not admin.doc(doctype, name).ok:
				errors.append(f"{role} was refused the delete of {doctype} {name} but it is gone")
	return errors


def test_itil_settings_rights_over_http(admin, principals, refs):
	"""First, before any impact or urgency of the suite exists: ITIL Settings refuses (rightly) to save a
	priority matrix that does not cover every impact x urgency."""
	remove_http_masters(admin)
	field = EDITS[SETTINGS][0]
	before = admin.doc(SETTINGS, SETTINGS).data[field]
	errors = []
	try:
		for role in ROLES:
			errors += check_principal(
				role, principals[role], admin, refs, {SETTINGS: SETTINGS}, None, [SETTINGS]
			)
	finally:  # the site's own setting comes back
		assert admin.update(SETTINGS, SETTINGS, {field: before}).ok
	assert errors == [], "\n".join(errors)


def test_every_principal_gets_exactly_the_documented_rights_over_http(
	admin, principals, refs, samples, customers_incident
):
	errors = []
	others = [d for d in MATRIX if d != SETTINGS]
	with ThreadPoolExecutor(max_workers=4) as pool:
		results = pool.map(
			lambda role: check_principal(
				role, principals[role], admin, refs, samples, customers_incident, others
			),
			ROLES,
		)
		errors += [e for batch in results for e in batch]
	assert errors == [], "\n".join(errors)


def test_the_customer_lists_only_their_own_incidents(admin, principals, samples, customers_incident):
	customer = principals[CUSTOMER]
	listed = customer.get("/api/resource/ITIL Incident", limit_page_length=0).data
	names = {row["name"] for row in listed}
	assert customers_incident in names and samples["ITIL Incident"] not in names
	# only incidents where they are the caller, or of their customer
	for path, args in (
		("frappe.client.get_list", {"doctype": "ITIL Incident", "fields": ["name"], "limit_page_length": 0}),
		("frappe.desk.reportview.get", {"doctype": "ITIL Incident", "fields": ["name"], "page_length": 500}),
	):
		answer = customer.method(path, **args)
		assert answer.ok, answer
		data = answer.data
		rows = data if isinstance(data, list) else [dict(zip(data["keys"], v)) for v in data["values"]]
		assert {r["name"] for r in rows} <= names, path
	# internal (permission level 1) fields are stripped
	doc = customer.doc("ITIL Incident", customers_incident).data
	for internal in ("impact", "urgency", "support_group", "priority_reason", "service_agreement"):
		assert internal not in doc or doc[internal] is None, internal
	count = customer.method("frappe.client.get_count", doctype="ITIL Incident")
	assert count.ok and count.data == len(names), count


def test_global_search_shows_only_records_the_user_may_read(admin, principals, refs, site_db):
	"""Frappe's global search reads __global_search without checking each record; for ITIL doctypes the
	app filters its answer through the user's permissions (portal scope included)."""
	settings = admin.doc("Global Search Settings", "Global Search Settings").data
	allowed = [row["document_type"] for row in settings.get("allowed_in_global_search") or []]
	if "ITIL Incident" not in allowed:
		rows = [*settings.get("allowed_in_global_search", []), {"document_type": "ITIL Incident"}]
		assert admin.update(
			"Global Search Settings", "Global Search Settings", {"allowed_in_global_search": rows}
		).ok
	word = unique("zqx").split()[1]
	incident = admin.insert("ITIL Incident", {**minimal("ITIL Incident", refs), "subject": f"Outage {word}"})
	assert incident.ok, incident
	name = incident.data["name"]
	# the index is written by a background job; write this record's row as the job would
	with site_db.cursor() as cursor:
		cursor.execute(
			"insert into __global_search (doctype, name, title, content, route, published)"
			" values ('ITIL Incident', %s, %s, %s, '', 0)",
			(name, f"Outage {word}", f"Subject : Outage {word}"),
		)
	try:
		hits = {}
		for role in ("ITIL Service Desk Agent", CUSTOMER, "Blogger"):
			answer = principals[role].method("frappe.utils.global_search.search", text=word)
			assert answer.status == 200, (role, answer)
			hits[role] = {h["name"] for h in answer.data or []}
		assert name in hits["ITIL Service Desk Agent"]
		assert name not in hits[CUSTOMER] and name not in hits["Blogger"], hits
	finally:
		with site_db.cursor() as cursor:
			cursor.execute("delete from __global_search where doctype='ITIL Incident' and name=%s", (name,))


def test_change_history_cannot_be_edited_away(admin, principals, refs, samples):
	"""Who changed what on an ITIL record is kept in Version: nobody but Administrator may write or delete it."""
	name = samples["ITIL Incident"]
	assert admin.update("ITIL Incident", name, {"urgency": refs["urgency"], "description": unique("why")}).ok
	versions = admin.get(
		"/api/resource/Version",
		filters=json.dumps({"ref_doctype": "ITIL Incident", "docname": name}),
		fields=json.dumps(["name", "owner"]),
	).data
	assert versions, "no Version for an edited incident"
	version = versions[0]["name"]
	for role in ("System Manager", "ITIL Service Level Manager", "ITIL Service Desk Agent"):
		client = principals[role]
		assert client.update("Version", version, {"data": "{}"}).status == 403, role
		assert client.delete("Version", version).status == 403, role
	assert admin.doc("Version", version).ok


def test_guest_gets_no_itil_record_on_any_path(principals, samples):
	guest = principals["Guest"]
	for doctype, name in samples.items():
		if not name:
			continue
		assert guest.doc(doctype, name).status in (403, 401), doctype
		assert guest.get(f"/api/resource/{doctype}").status in (403, 401), doctype


def test_link_validation_names_only_records_the_user_may_read(principals, samples, customers_incident):
	"""frappe.client.validate_link (the desk's Link fields) tells whether a name exists: for an ITIL doctype,
	a record the user may not read answers as a name that does not exist; no right on the doctype is a 403
	whether the name exists or not; who may read it gets it, fetched fields included."""
	existing, missing = samples["ITIL Incident"], "INC-NO-SUCH-0"

	def validate(role, name, fields=None):
		return principals[role].method(
			"frappe.client.validate_link", doctype="ITIL Incident", docname=name, fields=fields or []
		)

	customer = {name: validate(CUSTOMER, name) for name in (existing, missing, customers_incident)}
	assert customer[existing].status == customer[missing].status == 200, customer
	assert customer[existing].data == customer[missing].data == {"name": None}, customer
	assert customer[customers_incident].data == {"name": customers_incident}
	for role in ("Blogger", "ITIL Event Source"):
		answers = [validate(role, name) for name in (existing, missing)]
		assert [a.status for a in answers] == [403, 403], (role, answers)
		assert answers[0].message() == answers[1].message(), answers
	agent = validate("ITIL Service Desk Agent", existing, ["subject"])
	assert agent.ok and agent.data["name"] == existing and agent.data["subject"], agent
	assert validate("ITIL Service Desk Agent", missing).data == {"name": None}
