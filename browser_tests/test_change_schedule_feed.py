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
