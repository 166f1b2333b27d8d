"""Issue 7, the customer portal, against the served site: over HTTP (cookie session and API token) a
customer's contact reads their customer's incidents and nothing else, whatever the path; in the
browser they list, report (with an attachment) and reply at /incidents."""

import json
import secrets

import pytest

DOCTYPE = "ITIL Incident"


def api(ctx, method, path, **kw):
	answer = getattr(ctx, method)(path, **kw)
	return answer.status, (
		answer.json() if "json" in answer.headers.get("content-type", "") else answer.text()
	)


@pytest.fixture(scope="module")
def world(browser, base_url):
	"""As Administrator: two customers, a portal user for each, incidents of both, a published
	service, an internal note and an agent's private file on A's incident."""
	from playwright.sync_api import sync_playwright

	admin = browser.new_context(base_url=base_url).request
	assert admin.post("/api/method/login", form={"usr": "Administrator", "pwd": "admin"}).ok

	def post(doctype, values):
		answer = admin.post(
			f"/api/resource/{doctype}", data=json.dumps(values), headers={"Content-Type": "application/json"}
		)
		assert answer.ok, answer.text()
		return answer.json()["data"]

	tag = secrets.token_hex(3)
	customer_dt = next(
		(dt for dt in ("Customer", "HD Customer") if admin.get(f"/api/resource/DocType/{dt}").ok), None
	)
	if not customer_dt:
		pytest.skip("no customer doctype on this site")
	people = {}
	for side in ("a", "b"):
		customer = post(customer_dt, {"customer_name": f"Portal Co {side.upper()} {tag}"})["name"]
		email = f"portal-{side}-{tag}@example.com"
		password = f"Pw-{secrets.token_hex(8)}!"
		post(
			"User",
			{
				"email": email,
				"first_name": f"Portal {side.upper()}",
				"user_type": "Website User",
				"send_welcome_email": 0,
				"new_password": password,
				"roles": [{"role": "ITIL Customer"}],
			},
		)
		post(
			"Contact",
			{
				"first_name": f"Portal {side.upper()} {tag}",
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": customer_dt, "link_name": customer}],
			},
		)
		incident = post(
			DOCTYPE,
			{
				"subject": f"Portal {side.upper()} {tag} VPN drops",
				"impact": "Medium",
				"urgency": "Medium",
				"customer_type": customer_dt,
				"customer": customer,
			},
		)
		people[side] = {
			"email": email,
			"password": password,
			"incident": incident["name"],
			"customer": customer,
		}
	note = f"internal note {tag}"
	assert admin.post(
		"/api/method/frappe.desk.form.utils.add_comment",
		form={
			"reference_doctype": DOCTYPE,
			"reference_name": people["a"]["incident"],
			"content": note,
			"comment_email": "Administrator",
			"comment_by": "Administrator",
		},
	).ok
	agents_file = post(
		"File",
		{
			"file_name": f"agent-{tag}.txt",
			"content": "internal log",
			"attached_to_doctype": DOCTYPE,
			"attached_to_name": people["a"]["incident"],
			"is_private": 1,
		},
	)
	service = post(
		"ITIL Configuration Item",
		{"ci_name": f"Webmail {tag}", "ci_type": "Business Service", "published_on_portal": 1},
	)
	keys = admin.post(
		"/api/method/frappe.core.doctype.user.user.generate_keys", form={"user": people["a"]["email"]}
	)
	assert keys.ok, keys.text()
	api_key = admin.get(f"/api/resource/User/{people['a']['email']}").json()["data"]["api_key"]
	yield {
		**people,
		"tag": tag,
		"note": note,
		"agents_file": agents_file["file_url"],
		"service": service["ci_name"],
		"token": f"token {api_key}:{keys.json()['message']['api_secret']}",
	}


def logged_in(browser, base_url, who):
	context = browser.new_context(base_url=base_url, viewport={"width": 1200, "height": 900})
	assert context.request.post("/api/method/login", form={"usr": who["email"], "pwd": who["password"]}).ok
	return context


@pytest.mark.parametrize("auth", ["session", "token"])
def test_every_api_path_shows_only_the_customers_own_incidents(browser, base_url, world, auth):
	a, b = world["a"], world["b"]
	if auth == "session":
		ctx = logged_in(browser, base_url, a).request
	else:
		ctx = browser.new_context(
			base_url=base_url, extra_http_headers={"Authorization": world["token"]}
		).request

	status, body = api(ctx, "get", f'/api/resource/{DOCTYPE}?limit_page_length=0&fields=["name","customer"]')
	assert status == 200, body
	names = {r["name"] for r in body["data"]}
	assert a["incident"] in names and b["incident"] not in names
	assert {r["customer"] for r in body["data"]} <= {a["customer"], None, ""}

	status, body = api(ctx, "get", f"/api/resource/{DOCTYPE}/{b['incident']}")
	assert status in (403, 404), body
	status, body = api(ctx, "get", f"/api/resource/{DOCTYPE}/{a['incident']}")
	assert status == 200
	assert not {"support_group", "priority_reason", "service_agreement", "possible_duplicates"} & {
		k for k, v in body["data"].items() if v
	}

	for method, params in (
		("frappe.client.get_list", {"doctype": DOCTYPE, "fields": '["name"]', "limit_page_length": 0}),
		("frappe.client.get_count", {"doctype": DOCTYPE, "filters": json.dumps({"name": b["incident"]})}),
		("frappe.client.get_value", {"doctype": DOCTYPE, "fieldname": "subject", "filters": b["incident"]}),
		("frappe.desk.search.search_link", {"doctype": DOCTYPE, "txt": world["tag"]}),
		("frappe.desk.reportview.get", {"doctype": DOCTYPE, "fields": '["`tabITIL Incident`.`name`"]'}),
		("frappe.utils.global_search.search", {"text": f"Portal B {world['tag']}"}),
	):
		status, body = api(ctx, "post", f"/api/method/{method}", form=params)
		text = json.dumps(body)
		assert b["incident"] not in text, (method, text)
		if method == "frappe.client.get_count":
			assert status == 200 and body["message"] == 0, body

	status, body = api(
		ctx, "post", "/api/method/frappe.client.get", form={"doctype": DOCTYPE, "name": b["incident"]}
	)
	assert status == 403, body
	status, body = api(ctx, "get", world["agents_file"])
	assert status == 403, body
	status, body = api(
		ctx,
		"post",
		"/api/method/frappe.client.set_value",
		form={
			"doctype": DOCTYPE,
			"name": a["incident"],
			"fieldname": "priority_override",
			"value": "P1 - Critical",
		},
	)
	assert status == 403, body
	# the desk's form and print endpoints (timeline, every field) are not for portal customers
	for path in (
		f"/api/method/frappe.desk.form.load.getdoc?doctype={DOCTYPE}&name={a['incident']}",
		f"/api/method/frappe.desk.form.load.get_docinfo?doctype={DOCTYPE}&name={a['incident']}",
		f"/api/method/frappe.desk.form.load.get_communications?doctype={DOCTYPE}&name={a['incident']}",
		f"/printview?doctype={DOCTYPE}&name={a['incident']}",
		f"/api/method/frappe.utils.print_format.download_pdf?doctype={DOCTYPE}&name={a['incident']}",
	):
		status, body = api(ctx, "get", path)
		assert status == 403, (path, status)
		assert world["note"] not in json.dumps(body)
	# the incident's child table (internal), listed through its parent doctype, and its history (its own
	# doctypes, which a portal customer may not read)
	for child in ("ITIL SLA Event", "ITIL Incident Leg", "ITIL Escalation", "ITIL Affected CI"):
		status, body = api(
			ctx, "get", f'/api/resource/{child}?parent={DOCTYPE}&fields=["*"]&limit_page_length=0'
		)
		assert status == 403 or body["data"] == [], (child, body)
	# comments and mails through the document API
	for doctype in ("Comment", "Communication", "File"):
		status, body = api(
			ctx,
			"get",
			f'/api/resource/{doctype}?fields=["*"]&limit_page_length=0',
		)
		text = json.dumps(body)
		assert world["note"] not in text and "internal log" not in text, doctype
		assert world["agents_file"] not in text, doctype


def test_a_guest_is_sent_to_the_login_page(browser, base_url):
	page = browser.new_page()
	page.goto(f"{base_url}/incidents")
	assert "/login" in page.url
	page.close()


def test_the_customer_lists_reports_and_replies(browser, base_url, world, tmp_path):
	a, b = world["a"], world["b"]
	context = logged_in(browser, base_url, a)
	page = context.new_page()
	errors = []
	page.on("pageerror", lambda e: errors.append(str(e)))

	page.goto(f"{base_url}/incidents")
	rows = page.locator("[data-itil=incident]")
	listed = {rows.nth(i).get_attribute("data-name") for i in range(rows.count())}
	assert a["incident"] in listed and b["incident"] not in listed
	page.screenshot(path="/tmp/itil_crm-portal-list.png", full_page=True)

	answer = page.goto(f"{base_url}/incidents/{b['incident']}")
	assert answer.status == 403 and f"Portal B {world['tag']}" not in page.content()

	page.goto(f"{base_url}/incidents/new")
	page.fill("#itil-subject", f"Webmail shows a blank page {world['tag']}")
	page.fill("#itil-description", "Since 9:00, for the whole accounting team.\n<img src=x onerror=alert(1)>")
	page.select_option("#itil-service", label=world["service"])
	log = tmp_path / "console.txt"
	log.write_text("GET /inbox 500")
	page.set_input_files("input[name=attachments]", str(log))
	page.screenshot(path="/tmp/itil_crm-portal-new.png", full_page=True)
	page.get_by_role("button", name="Report").click()
	page.wait_for_url("**/incidents/INC-*", timeout=20000)
	assert page.locator("[data-itil=status]").inner_text()
	assert page.locator("[data-itil=description] img").count() == 0
	assert "console.txt" in page.content()
	assert page.locator("[data-itil=promises] li").count() >= 1

	page.fill("#itil-message", "It also happens on mobile.")
	page.get_by_role("button", name="Send").click()
	page.wait_for_selector("[data-itil=reply]", timeout=20000)
	assert "It also happens on mobile." in page.locator("[data-itil=reply]").last.inner_text()
	page.screenshot(path="/tmp/itil_crm-portal-incident.png", full_page=True)
	assert errors == [], errors
	context.close()


# ------------------------------------------------------------------------------ issue 23


def as_admin(browser, base_url):
	admin = browser.new_context(base_url=base_url).request
	assert admin.post("/api/method/login", form={"usr": "Administrator", "pwd": "admin"}).ok
	return admin


def admin_json(admin, method, path, values=None):
	answer = getattr(admin, method)(
		path, data=json.dumps(values or {}), headers={"Content-Type": "application/json"}
	)
	assert answer.ok, answer.text()
	return answer.json()


def new_incident(admin, world, side, subject):
	return admin_json(
		admin,
		"post",
		f"/api/resource/{DOCTYPE}",
		{
			"subject": f"{subject} {world['tag']}",
			"impact": "Medium",
			"urgency": "Medium",
			"customer_type": "Customer" if admin.get("/api/resource/DocType/Customer").ok else "HD Customer",
			"customer": world[side]["customer"],
		},
	)["data"]


def resolve(admin, name):
	admin_json(
		admin,
		"put",
		f"/api/resource/{DOCTYPE}/{name}",
		{"status": "Resolved", "resolution_code": "Permanent Fix", "resolution_notes": "Replaced the cable"},
	)


def in_zone(browser, base_url, who, zone="Europe/Paris"):
	"""A customer's browser in a zone that is not the site's (America/New_York on the test sites)."""
	context = browser.new_context(
		base_url=base_url, timezone_id=zone, viewport={"width": 1200, "height": 900}
	)
	assert context.request.post("/api/method/login", form={"usr": who["email"], "pwd": who["password"]}).ok
	return context


def test_the_customer_says_not_solved_then_confirms_from_the_portal(browser, base_url, world):
	admin = as_admin(browser, base_url)
	incident = new_incident(admin, world, "a", "Printer offline")["name"]
	resolve(admin, incident)
	context = in_zone(browser, base_url, world["a"])
	page = context.new_page()
	errors = []
	page.on("pageerror", lambda e: errors.append(str(e)))

	# from the resolution mail's "not solved" link: the reason box is ready
	page.goto(f"{base_url}/incidents/{incident}?answer=reopen#answer")
	assert page.locator("[data-itil=resolution-answer]").is_visible()
	page.wait_for_function("document.activeElement && document.activeElement.id == 'itil-reason'")
	page.get_by_role("button", name="No, it is not solved").click()  # no reason: refused, said why
	page.wait_for_function(
		"document.querySelector('[data-itil=reopen-form] [data-itil=message]').textContent"
	)
	page.fill("#itil-reason", "It prints blank pages since this morning.")
	page.get_by_role("button", name="No, it is not solved").click()
	page.wait_for_function("document.querySelector('[data-itil=status]').textContent.trim() == 'In Progress'")
	assert "It prints blank pages since this morning." in page.locator("[data-itil=reply]").last.inner_text()
	assert page.locator("[data-itil=resolution-answer]").count() == 0

	# resolved again: "Yes, it is solved" closes it, and the page says so
	resolve(admin, incident)
	page.goto(f"{base_url}/incidents/{incident}")
	page.get_by_role("button", name="Yes, it is solved").click()
	page.wait_for_function("document.querySelector('[data-itil=status]').textContent.trim() == 'Closed'")
	assert page.locator("[data-itil=resolution-answer]").count() == 0
	page.screenshot(path="/tmp/itil_crm-portal-confirmed.png", full_page=True)
	status = admin.get(f"/api/resource/{DOCTYPE}/{incident}").json()["data"]["status"]
	assert status == "Closed"

	# another customer may not answer it, even by calling the method
	other = in_zone(browser, base_url, world["b"])
	answer = other.request.post(
		"/api/method/itil_crm.customer_portal.resolution.confirm_resolution", form={"incident": incident}
	)
	assert answer.status == 403, answer.text()
	assert errors == [], errors
	context.close()
	other.close()


def expected_text(admin, naive: str, zone: str) -> str:
	"""A deadline stored naive in the site's zone, as the portal writes it in ``zone``."""
	from datetime import datetime
	from zoneinfo import ZoneInfo

	settings = admin.get("/api/method/frappe.client.get_value", params={
		"doctype": "System Settings", "fieldname": json.dumps(["time_zone", "date_format"]),
		"filters": "System Settings",
	}).json()["message"]  # fmt: skip
	moment = (
		datetime.fromisoformat(naive)
		.replace(tzinfo=ZoneInfo(settings["time_zone"]))
		.astimezone(ZoneInfo(zone))
	)
	date = (
		(settings["date_format"] or "yyyy-mm-dd")
		.replace("dd", f"{moment.day:02d}")
		.replace("mm", f"{moment.month:02d}")
		.replace("yyyy", f"{moment.year}")
	)
	return f"{date} {moment.hour:02d}:{moment.minute:02d}"


def test_deadlines_are_shown_in_the_customers_zone(browser, base_url, world):
	admin = as_admin(browser, base_url)
	# customer A chose no zone: the browser's (Europe/Paris)
	a_incident = new_incident(admin, world, "a", "Badge reader down")
	# customer B's user chose Asia/Tokyo: that one, whatever the browser's
	admin_json(admin, "put", f"/api/resource/User/{world['b']['email']}", {"time_zone": "Asia/Tokyo"})
	b_incident = new_incident(admin, world, "b", "Badge reader down")
	for side, incident, zone in (("a", a_incident, "Europe/Paris"), ("b", b_incident, "Asia/Tokyo")):
		context = in_zone(browser, base_url, world[side])
		page = context.new_page()
		page.goto(f"{base_url}/incidents/{incident['name']}")
		due = page.locator("[data-itil=promises] li").first
		assert due.locator("time").inner_text() == expected_text(admin, incident["response_by"], zone)
		assert "(in " in due.inner_text()  # computed on the server, right in any zone
		assert page.locator("[data-itil=zone]").inner_text() == zone
		page.goto(f"{base_url}/incidents")
		row = page.locator(f"[data-itil=incident][data-name='{incident['name']}'] [data-itil=promise] time")
		assert row.inner_text() == expected_text(admin, incident["resolution_by"], zone)
		context.close()


def test_files_sent_in_a_reply_are_downloadable_internal_ones_are_not(browser, base_url, world):
	admin = as_admin(browser, base_url)
	a = world["a"]
	incident = new_incident(admin, world, "a", "Report export fails")["name"]
	files = {}
	for label in ("sent", "internal", "supplier"):
		files[label] = admin_json(
			admin,
			"post",
			"/api/resource/File",
			{
				"file_name": f"{label}-{world['tag']}.txt",
				"content": f"{label} content {world['tag']}",
				"attached_to_doctype": DOCTYPE,
				"attached_to_name": incident,
				"is_private": 1,
			},
		)["data"]
	for recipients, label in ((a["email"], "sent"), ("supplier@example.org", "supplier")):
		answer = admin.post(
			"/api/method/frappe.core.doctype.communication.email.make",
			form={
				"doctype": DOCTYPE,
				"name": incident,
				"subject": "Re: Report export fails",
				"content": f"Here is the {label} file",
				"recipients": recipients,
				"send_email": 0,
				"attachments": json.dumps([files[label]["name"]]),
			},
		)
		assert answer.ok, answer.text()

	context = logged_in(browser, base_url, a)
	page = context.new_page()
	# the desk's reply marks the incident on the list until the customer opens it
	page.goto(f"{base_url}/incidents")
	new_reply = page.locator(f"[data-itil=incident][data-name='{incident}'] [data-itil=new-reply]")
	assert new_reply.count() == 1
	for label, expected in (("sent", 200), ("internal", 403), ("supplier", 403)):
		answer = context.request.get(files[label]["file_url"])
		assert answer.status == expected, (label, answer.status)
	assert context.request.get(files["sent"]["file_url"]).text() == f"sent content {world['tag']}"
	with page.expect_response("**/itil_crm.customer_portal.notices.seen"):
		page.goto(f"{base_url}/incidents/{incident}")
	listed = page.locator("[data-itil=reply-files] a").all_inner_texts()
	assert listed == [files["sent"]["file_name"]]
	assert files["internal"]["file_name"] not in page.content()
	assert files["supplier"]["file_name"] not in page.content()
	page.goto(f"{base_url}/incidents")
	assert new_reply.count() == 0
	context.close()
