"""Issue 9 (first part) over HTTP: the change schedule's ICS link works without a session (as a
calendar app fetches it), as text/calendar; a wrong token gets 403 and no calendar."""


def test_the_subscription_link_serves_the_calendar_and_a_wrong_token_nothing(desk, base_url, browser):
	answer = desk.request.post(f"{base_url}/api/method/itil_crm.change_enablement.schedule.calendar_feed_url")
	assert answer.ok, answer.text()
	url = answer.json()["message"].replace(answer.json()["message"].split("/api/")[0], base_url)
	calendar_app = browser.new_context().request  # no session, as Outlook or Google fetch it
	feed = calendar_app.get(url)
	assert feed.status == 200, feed.text()
	assert feed.headers["content-type"].startswith("text/calendar")
	assert feed.text().startswith("BEGIN:VCALENDAR")
	wrong = calendar_app.get(url[:-4] + "AAAA")
	assert wrong.status == 403 and "VCALENDAR" not in wrong.text()


def test_a_cab_member_votes_from_the_change_form(desk, base_url):
	from conftest import insert, open_form

	change = insert(desk, base_url, "ITIL Change", {"title": "Upgrade the mail cluster", "risk": "High"})
	answer = desk.request.put(
		f"{base_url}/api/resource/ITIL Change/{change['name']}",
		data='{"status": "Assessment"}',
		headers={"Content-Type": "application/json"},
	)
	assert answer.ok, answer.text()
	page = open_form(desk, base_url, f"itil-change/{change['name']}")
	page.get_by_role("button", name="CAB Vote").click()
	page.get_by_text("Approve", exact=True).first.click()
	page.locator(".modal.show textarea").fill("Backout rehearsed on staging")
	page.locator(".modal.show").get_by_role("button", name="Submit").click()
	page.wait_for_function("() => (cur_frm.doc.cab_votes || []).length === 1", timeout=15000)
	assert page.evaluate("cur_frm.doc.cab_votes[0].comment") == "Backout rehearsed on staging"
	page.goto(f"{base_url}/app/itil-change/view/calendar/default")
	page.wait_for_selector(".fc", timeout=15000)  # the change calendar renders
