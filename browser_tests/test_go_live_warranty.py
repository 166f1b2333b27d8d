"""Issue 9 (warranty) in the desk: a go-live in its warranty shows its warranty incidents by priority
and its exit criteria on the form, the Warranty Incidents report opens from it, and the final review
prints."""

import json
import random
import string


def test_the_go_live_form_shows_its_warranty_incidents_and_prints_its_review(desk, base_url):
	from conftest import insert, open_form

	tag = "".join(random.choices(string.ascii_lowercase, k=6))
	ci = insert(
		desk,
		base_url,
		"ITIL Configuration Item",
		{"ci_name": f"Browser go-live app {tag}", "ci_type": "Application", "environment": "Production"},
	)
	go_live = insert(
		desk,
		base_url,
		"ITIL Go-Live",
		{
			"title": f"Browser go-live {tag}",
			"go_live_date": "2026-01-05",
			"warranty_days": 3650,
			"checklist_template": "CRM Go-Live (ITIL)",
			"affected_cis": [{"configuration_item": ci["name"]}],
		},
	)
	answer = desk.request.put(
		f"{base_url}/api/resource/ITIL Go-Live/{go_live['name']}",
		data=json.dumps({"status": "In Warranty"}),
		headers={"Content-Type": "application/json"},
	)
	assert answer.ok, answer.text()
	incident = insert(
		desk,
		base_url,
		"ITIL Incident",
		{
			"subject": f"Browser warranty incident {tag}",
			"impact": "High",
			"urgency": "High",
			"configuration_item": ci["name"],
		},
	)
	assert incident["warranty_go_live"] == go_live["name"]

	page = open_form(desk, base_url, f"itil-go-live/{go_live['name']}")
	page.get_by_role("tab", name="Warranty Incidents").click()
	summary = page.locator("[data-fieldname='warranty_summary']")
	summary.locator("table").wait_for(timeout=15000)
	assert incident["priority"] in summary.inner_text()
	assert "✘" in summary.inner_text()  # an open P1 holds the exit
	page.get_by_role("button", name="View").click()
	page.locator("a.dropdown-item[data-label='Warranty%20Incidents']").click()
	page.wait_for_function(
		"() => frappe.get_route_str().startsWith('query-report/ITIL Warranty Incidents')", timeout=15000
	)
	page.locator(".dt-scrollable").wait_for(timeout=15000)
	assert go_live["name"] in page.locator(".dt-scrollable").inner_text()

	printed = desk.request.get(
		f"{base_url}/printview?doctype=ITIL Go-Live&name={go_live['name']}&format=ITIL Go-Live Final Review"
	)
	assert printed.ok and "Final Review of the Warranty Period" in printed.text()
	assert incident["name"] in printed.text()
