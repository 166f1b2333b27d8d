"""Issue 8 in the desk: the Impact tab of a configuration item (trees upstream and downstream, open
records on the set) and the known errors suggested on the incident form, applied from there."""

import secrets

from conftest import insert, open_form


def test_the_impact_tab_shows_what_a_ci_breaks(desk, base_url):
	tag = secrets.token_hex(3)
	host = insert(desk, base_url, "ITIL Configuration Item", {"ci_name": f"Host {tag}", "ci_type": "Server"})
	db = insert(
		desk,
		base_url,
		"ITIL Configuration Item",
		{
			"ci_name": f"Payroll DB {tag}",
			"ci_type": "Database",
			"environment": "Test",
			"relationships": [{"relationship_type": "Hosted On", "target_ci": host["name"]}],
		},
	)
	service = insert(
		desk,
		base_url,
		"ITIL Configuration Item",
		{
			"ci_name": f"Payroll {tag}",
			"ci_type": "Business Service",
			"relationships": [{"relationship_type": "Depends On", "target_ci": db["name"]}],
		},
	)
	incident = insert(
		desk,
		base_url,
		"ITIL Incident",
		{
			"subject": f"Payroll is down {tag}",
			"impact": "High",
			"urgency": "High",
			"configuration_item": service["name"],
		},
	)
	page = open_form(desk, base_url, f"itil-configuration-item/{host['name']}")
	page.get_by_role("tab", name="Impact").click()
	upstream = page.locator("[data-itil=upstream]")
	upstream.locator(f"[data-ci='{service['name']}']").wait_for(timeout=15000)
	# the service is reached through the database, so it sits under it in the tree
	assert upstream.locator(f"[data-ci='{db['name']}'] [data-ci='{service['name']}']").count() == 1
	assert "Business Service" in upstream.inner_text()
	assert incident["name"] in page.locator("[data-itil=records]").inner_text()
	page.screenshot(path="/tmp/itil_crm-ci-impact.png", full_page=True)


def test_known_errors_are_suggested_while_logging_and_applied(desk, base_url):
	tag = secrets.token_hex(3)
	known_error = insert(
		desk,
		base_url,
		"ITIL Known Error",
		{
			"title": f"Imprimante bloquée {tag}",
			"symptoms": f"Les impressions restent en file d'attente, erreur {tag}",
			"workaround": "Redémarrer le spouleur d'impression",
			"published": 1,
		},
	)
	incident = insert(
		desk,
		base_url,
		"ITIL Incident",
		{
			"subject": f"L'imprimante n'imprime plus {tag}",
			"description": "Mes impressions restent bloquées en file d'attente",
			"impact": "Low",
			"urgency": "Medium",
		},
	)
	page = open_form(desk, base_url, f"itil-incident/{incident['name']}")
	card = page.locator(f"[data-known-error='{known_error['name']}']")
	card.wait_for(timeout=15000)
	first = page.locator("[data-known-error]").first.get_attribute("data-known-error")
	assert first == known_error["name"]
	card.scroll_into_view_if_needed()
	page.screenshot(path="/tmp/itil_crm-incident-known-error-suggestions.png")
	card.get_by_role("button", name="Apply Workaround").click()
	page.get_by_role("button", name="Yes").click()
	page.wait_for_function("() => cur_frm.doc.status === 'Resolved'", timeout=15000)
	assert page.evaluate("[cur_frm.doc.resolution_code, cur_frm.doc.known_error]") == [
		"Workaround Applied",
		known_error["name"],
	]
