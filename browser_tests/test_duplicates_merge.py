"""Issue 7 in the desk: a possible duplicate shows on the incident form with its score, and the agent
merges it from the form's Duplicate menu."""

from conftest import insert, open_form


def test_merge_a_possible_duplicate_from_the_form(desk, base_url):
	ci = insert(
		desk,
		base_url,
		"ITIL Configuration Item",
		{"ci_name": f"Browser CI {id(desk)}", "ci_type": "Application"},
	)
	values = {"impact": "Medium", "urgency": "Medium", "configuration_item": ci["name"]}
	master = insert(desk, base_url, "ITIL Incident", {"subject": "Checkout is slow", **values})
	newcomer = insert(desk, base_url, "ITIL Incident", {"subject": "Payments time out", **values})
	page = open_form(desk, base_url, f"itil-incident/{newcomer['name']}")
	assert master["name"] in page.evaluate("cur_frm.doc.possible_duplicates")
	page.get_by_role("button", name="Duplicate").click()
	page.screenshot(path="/tmp/itil_crm-incident-duplicates.png")
	page.get_by_text(f"Merge into {master['name']}").first.click()
	page.get_by_role("button", name="Yes").click()
	page.wait_for_function("() => cur_frm.doc.status === 'Resolved'", timeout=15000)
	assert page.evaluate("[cur_frm.doc.resolution_code, cur_frm.doc.duplicate_of]") == [
		"Duplicate",
		master["name"],
	]
