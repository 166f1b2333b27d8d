"""Issue 12 in the desk: the ITIL workspace shows its numbers and charts, and a number card leads to its
list."""

from conftest import insert


def test_a_number_card_leads_to_its_filtered_list(desk, base_url):
	insert(
		desk,
		base_url,
		"ITIL Incident",
		{"subject": "Workspace number", "impact": "High", "urgency": "High", "channel": "Phone"},
	)
	desk.goto(f"{base_url}/app/itil")
	card = desk.locator(".number-widget-box", has_text="Open P1 / P2")
	card.locator(".number").wait_for(timeout=20000)
	shown = card.locator(".number").inner_text().strip()
	assert shown and shown[0].isdigit() and shown != "0", shown
	for label in (
		"Open Incidents",
		"SLA Breached (open)",
		"Resolution Due Within 1 h",
		"Go-Lives In Warranty",
	):
		desk.locator(".number-widget-box", has_text=label).locator(".number").wait_for(timeout=20000)
	for title in ("Incidents Opened And Resolved", "Open Backlog By Age", "Open Incidents By Priority"):
		chart = desk.locator(".widget", has_text=title)
		chart.locator("svg").first.wait_for(timeout=20000)
	desk.screenshot(path="/tmp/itil_crm-workspace.png", full_page=True)
	card.locator(".number").click()
	desk.wait_for_url("**/app/itil-incident**", timeout=20000)
	desk.wait_for_function("() => window.cur_list && cur_list.doctype === 'ITIL Incident'")
	desk.wait_for_timeout(1000)
	filters = desk.evaluate("cur_list.filter_area.get().map(f => [f[1], f[2], f[3]])")
	assert ["priority", "in", ["P1 Critical", "P2 High"]] in filters, filters
	assert any(f[0] == "status" for f in filters), filters
