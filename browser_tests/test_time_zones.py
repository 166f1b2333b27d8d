"""Issue 23: an agent whose browser is in another time zone than the site (the suite's browser always
is: conftest.py) sees the SLA deadlines of an incident as far away as they are, on its form, in the
incident list and on its Kanban card, and each deadline's time in a named zone.

The site stores deadlines as naive times in its system zone; read as the browser's local time they would
be off by the gap between the two zones (6 hours for America/New_York seen from Europe/Paris)."""

import datetime as dt
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

from conftest import insert, open_form

# "in 1d 2h 5m", "in 2h 5m", "in 5m", "3h 1m ago"
RELATIVE = re.compile(r"(in )?(?:(\d+)d )?(?:(\d+)h )?(\d+)m( ago)?")
SLACK = dt.timedelta(minutes=3)  # the time between reading the clock here and in the page


def seconds_ahead(text: str, after: str) -> int:
	"""The relative time written after `after` in `text`, in seconds (negative: in the past)."""
	match = RELATIVE.search(text, text.index(after) + len(after))
	assert match and (match.group(1) or match.group(5)), text
	days, hours, minutes = (int(match.group(i) or 0) for i in (2, 3, 4))
	seconds = ((days * 24 + hours) * 60 + minutes) * 60
	return -seconds if match.group(5) else seconds


def assert_right(text: str, after: str, deadline: dt.datetime) -> None:
	shown = dt.timedelta(seconds=seconds_ahead(text, after))
	expected = deadline - dt.datetime.now(dt.timezone.utc)
	# the page floors to the minute: shown <= expected < shown + 1 minute, give or take the slack
	assert expected - dt.timedelta(minutes=1) - SLACK <= shown <= expected + SLACK, (text, expected)


def test_deadlines_are_right_in_the_browsers_zone(desk, base_url, site_zone, browser_zone):
	incident = insert(
		desk,
		base_url,
		"ITIL Incident",
		{"subject": "Payroll export stalls (zones)", "impact": "High", "urgency": "Medium"},
	)
	name = incident["name"]
	assert incident["resolution_by"] and incident["response_by"], incident
	zone = ZoneInfo(site_zone)
	response_by = dt.datetime.fromisoformat(incident["response_by"]).replace(tzinfo=zone)
	resolution_by = dt.datetime.fromisoformat(incident["resolution_by"]).replace(tzinfo=zone)

	# the form: the SLA indicator counts down to each deadline, and gives its time in a named zone
	page = open_form(desk, base_url, f"itil-incident/{name}")
	assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == browser_zone
	assert page.evaluate("frappe.boot.time_zone.system") == site_zone
	user_zone = page.evaluate("frappe.boot.time_zone.user")
	indicator = page.locator(".form-dashboard .indicator", has_text="resolution due").first
	indicator.wait_for(timeout=15000)
	text = indicator.inner_text()
	assert_right(text, "response due", response_by)
	assert_right(text, "resolution due", resolution_by)
	in_user_zone = resolution_by.astimezone(ZoneInfo(user_zone))
	assert f"{in_user_zone:%H:%M} ({user_zone})" in text, (text, in_user_zone)

	# the list: the SLA column says how far the resolution deadline is (Frappe shows it from 1367 px wide:
	# up to 1366 it keeps four columns)
	page.set_viewport_size({"width": 1600, "height": 1000})
	page.goto(f"{base_url}/app/itil-incident?name={quote(name)}")
	pill = page.locator(f".list-row:has(a[data-name='{name}']) .indicator-pill", has_text="·").first
	pill.wait_for(timeout=15000)
	assert_right(pill.inner_text(), "·", resolution_by)
	assert f"({user_zone})" in pill.get_attribute("title")

	# the Kanban card: its deadline, how far and when, in a named zone
	page.goto(
		f"{base_url}/app/itil-incident/view/kanban/{quote('ITIL Incidents by Status')}?name={quote(name)}"
	)
	card = page.locator(f".kanban-card-wrapper[data-name='{quote(name)}']")
	card.wait_for(timeout=20000)
	text = card.inner_text()
	assert_right(text, "Resolution By:", resolution_by)
	assert f"{in_user_zone:%H:%M} ({user_zone})" in text, text
