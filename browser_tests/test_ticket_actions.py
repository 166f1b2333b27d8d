"""Issue 7 in the desk: an agent raises the ITIL incident of an ERPNext Issue or a Helpdesk ticket
from its form, and then reaches the incident from the same place."""

import json

import pytest
from conftest import insert, open_form


def first_ticket_without_incident(page, base_url, doctype):
	answer = page.request.get(
		f"{base_url}/api/resource/{doctype}",
		params={"filters": json.dumps([["itil_incident", "is", "not set"]]), "limit_page_length": 1},
	)
	if not answer.ok:
		pytest.skip(f"{doctype} is not on this site")
	rows = answer.json()["data"]
	if rows:
		return rows[0]["name"]
	# every ticket of the site's data is bridged already (a site the tests ran on): a new one
	created = insert(
		page,
		base_url,
		doctype,
		{"subject": "Printer jams on tray 2", "description": "Since Monday", "raised_by": "jam@example.com"},
	)
	assert not created.get("itil_incident"), "a manual ticket was bridged on its own"
	return created["name"]


@pytest.mark.parametrize("doctype, route", [("Issue", "issue"), ("HD Ticket", "hd-ticket")])
def test_raise_the_incident_from_the_ticket_form(desk, base_url, doctype, route):
	name = first_ticket_without_incident(desk, base_url, doctype)
	page = open_form(desk, base_url, f"{route}/{name}")
	button = page.get_by_role("button", name="Raise ITIL Incident")
	button.click()
	page.wait_for_function("() => cur_frm.doc.itil_incident", timeout=15000)
	incident = page.evaluate("cur_frm.doc.itil_incident")
	page.get_by_role("button", name=f"ITIL Incident {incident}").wait_for()
	page.screenshot(path=f"/tmp/itil_crm-{route}-raised.png")
	answer = desk.request.get(f"{base_url}/api/resource/ITIL Incident/{incident}").json()["data"]
	assert (answer["source_type"], answer["source_name"]) == (doctype, str(name))
