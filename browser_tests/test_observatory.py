"""Issue 24 in the desk, in English and in French, as a service level manager (a user with only the ITIL
Service Level Manager role): the observatory dashboard shows its KPI trends and last month's numbers, the
benchmarking report ranks the tiers and a figure leads to the incidents behind it, the maturity
assessment shows its scores per practice as a chart.

The site's data decides the figures (the demo's history, or little): the tests check what is shown and
where it leads, not values. Screenshots go to $ITIL_CRM_SCREENSHOTS (default /tmp/itil_crm-screens);
README shows them from docs/img/ (observatory-en.png, benchmarking-fr.png, maturity-en.png...).
"""

import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from conftest import insert

SHOTS = Path(os.environ.get("ITIL_CRM_SCREENSHOTS", "/tmp/itil_crm-screens"))
PASSWORD = "Itil-Observer-" + secrets.token_hex(6)
# what each language shows (fr.csv)
WORDS = {
	"en": {"trend": "ITIL Trend SLA Met", "card": "ITIL Last Month SLA Met", "rank": "Rank", "scores": "Scores per Practice"},
	"fr": {"trend": "Tendance : SLA respectés", "card": "SLA respecté (mois dernier)", "rank": "rang", "scores": "Scores par pratique"},
}  # fmt: skip


def shot(page, name: str) -> None:
	SHOTS.mkdir(parents=True, exist_ok=True)
	page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture(params=["en", "fr"])
def observer(request, browser, desk, base_url):
	"""A page logged in as a service level manager whose language is the test's ("en" or "fr")."""
	language = request.param
	user = f"observer-{language}-{secrets.token_hex(3)}@itil-browser.example"
	insert(
		desk,
		base_url,
		"User",
		{
			"email": user,
			"first_name": "Observer",
			"language": language,
			"send_welcome_email": 0,
			"new_password": PASSWORD,
			"roles": [{"role": "ITIL Service Level Manager"}],
		},
	)
	page = browser.new_page(viewport={"width": 1400, "height": 1000})
	errors: list[str] = []
	page.on("pageerror", lambda e: "removeChild" in str(e) or errors.append(str(e)))
	answer = page.request.post(f"{base_url}/api/method/login", form={"usr": user, "pwd": PASSWORD})
	assert answer.ok, answer.text()
	page.language = language
	yield page
	page.close()
	assert errors == [], errors


def test_the_observatory_shows_its_trends_and_last_months_numbers(observer, base_url):
	page, words = observer, WORDS[observer.language]
	page.goto(f"{base_url}/app/dashboard-view/{quote('ITIL Observatory')}")
	cards = page.locator(".number-widget-box")
	cards.first.locator(".number").wait_for(timeout=30000)
	assert cards.count() >= 8
	card = page.locator(".number-widget-box", has_text=words["card"])
	card.locator(".number").wait_for(timeout=30000)
	charts = page.locator(".dashboard-widget-box")
	charts.nth(12).wait_for(timeout=30000)  # the thirteen KPI trends (and the maturity chart)
	trend = page.locator(".dashboard-widget-box", has_text=words["trend"])
	trend.locator("svg").first.wait_for(timeout=30000)
	# a line per month of the twelve, beside the target's line
	page.wait_for_function(
		"""(name) => {
			const widget = [...document.querySelectorAll('.dashboard-widget-box')]
				.find((w) => w.innerText.includes(name));
			return widget && widget.querySelectorAll('svg .line-graph-path').length >= 2;
		}""",
		arg=words["trend"],
		timeout=30000,
	)
	page.wait_for_timeout(1500)  # the other charts
	shot(page, f"observatory-{observer.language}")


def test_benchmarking_ranks_the_tiers_and_leads_to_the_incidents(observer, base_url):
	page, words = observer, WORDS[observer.language]
	today = dt.date.today()
	filters = {
		"dimension": "Tier",
		"from_date": str(today.replace(day=1) - dt.timedelta(days=330)),
		"to_date": str(today),
	}
	page.goto(f"{base_url}/app/query-report/{quote('ITIL Service Benchmarking')}?{urlencode(filters)}")
	page.wait_for_function("() => window.frappe && frappe.query_report && frappe.query_report.report_name")
	page.wait_for_load_state("networkidle")
	page.wait_for_function("() => !frappe.query_report.$report.is(':hidden') || frappe.query_report.data")
	if not page.evaluate("(frappe.query_report.data || []).length"):
		pytest.skip("the site has no incident in the last twelve months: nothing to rank")
	page.locator(".dt-row .dt-cell__content").first.wait_for(timeout=30000)
	headers = page.locator(".dt-header .dt-cell__content").all_inner_texts()
	assert any(words["rank"] in h for h in headers), headers
	links = page.locator("a.itil-drill-down:not([data-value=''])")
	if not links.count():
		pytest.skip("the site has no incident of a tier in the last twelve months: nothing to drill down to")
	page.wait_for_load_state("networkidle")
	page.wait_for_timeout(500)
	shot(page, f"benchmarking-{observer.language}")
	# the value read from the very link clicked (the report may have re-rendered its rows meanwhile)
	tier = links.first.evaluate("(a) => { a.click(); return a.getAttribute('data-value'); }")
	page.wait_for_url("**/app/itil-incident**", timeout=30000)
	page.wait_for_function("() => window.cur_list && cur_list.doctype === 'ITIL Incident'")
	page.wait_for_timeout(1000)
	shown = page.evaluate("cur_list.filter_area.get().map(f => [f[1], f[2], f[3]])")
	assert ["tier", "=", tier] in shown or ["tier", "=", int(tier)] in shown, shown
	assert any(f[0] in ("opened_on", "resolved_on") and f[1].lower() == "between" for f in shown), shown


def test_the_maturity_assessment_shows_its_scores_as_a_chart(observer, base_url):
	page, words = observer, WORDS[observer.language]
	# its evidence period, assessor and questionnaire: the assessment's defaults
	assessment = insert(page, base_url, "ITIL Maturity Assessment", {"assessed_on": str(dt.date.today())})
	page.goto(f"{base_url}/app/itil-maturity-assessment/{assessment['name']}")
	page.wait_for_function("() => window.cur_frm && cur_frm.doc && cur_frm.doc.name && !cur_frm.is_new()")
	page.wait_for_timeout(800)
	page.evaluate("cur_frm.call('propose_levels').then(() => cur_frm.reload_doc())")
	page.wait_for_function("() => (cur_frm.doc.practice_scores || []).length > 0", timeout=30000)
	chart = page.locator(".itil-maturity-chart svg").first
	chart.wait_for(timeout=30000)
	chart.scroll_into_view_if_needed()
	assert words["scores"] in page.locator("body").inner_text()
	page.wait_for_timeout(800)
	shot(page, f"maturity-{observer.language}")
