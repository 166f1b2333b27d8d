"""The demo's continual improvement: monthly service reviews, their schedules, two maturity
self-assessments a quarter apart and the improvement actions they raised (after ``demo_history``).

- The observatory's monthly counters are refreshed for every month of the history.
- Service reviews of the last two full months for Acme Retail and for the whole desk, submitted (the
  later ones show the earlier ones' frozen figures as the previous period), and one for the CRM
  business service with its availability.
- Schedules that mail next month's reviews to Acme Retail's key contact and to the service desk.
- A maturity self-assessment three months ago and one now, with the levels the data proposes (hand
  questions answered a level lower the first time), whose weak answers become improvement actions.
"""

from __future__ import annotations

import datetime as dt

import frappe
from frappe.utils import add_months, get_first_day, getdate, today

from itil_crm.continual_improvement import rollups

REVIEW = "ITIL Service Review"
SCHEDULE = "ITIL Service Review Schedule"
ASSESSMENT = "ITIL Maturity Assessment"


def create_reviews(customer_type: str | None, customer: str | None, service: str | None) -> dict:
	rollups.refresh(rollups.all_months())  # in the demo's transaction (rebuild() commits)
	this_month = get_first_day(getdate(today()))
	reviews = []
	for back in (2, 1):
		start = getdate(add_months(this_month, -back))
		end = getdate(add_months(start, 1)) - dt.timedelta(days=1)
		scopes = [{"scope": "Whole desk"}]
		if customer:
			scopes.append({"scope": "Customer", "customer_type": customer_type, "customer": customer})
		if service and back == 1:
			scopes.append({"scope": "Business Service", "service": service})
		for scope in scopes:
			doc = frappe.get_doc(
				{"doctype": REVIEW, "period_start": start, "period_end": end, **scope}
			).insert(ignore_permissions=True)
			doc.submit()
			reviews.append(doc.name)
	schedules = []
	for title, scope, recipient in (
		(
			"Acme Retail monthly service review",
			{"scope": "Customer", "customer_type": customer_type, "customer": customer},
			"claire.martin@acme-retail.example",
		),
		("Service desk monthly review", {"scope": "Whole desk"}, "servicedesk@itil-demo.example"),
	):
		if scope["scope"] == "Customer" and not customer:
			continue
		schedules.append(
			frappe.get_doc(
				{
					"doctype": SCHEDULE,
					"title": title,
					"enabled": 1,
					**scope,
					"recipients": [{"email": recipient}],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	return {"service_reviews": reviews, "review_schedules": schedules, **_assessments(this_month)}


def _assessments(this_month: dt.date) -> dict:
	names = []
	for back, lower_hand_answers in ((3, True), (0, False)):
		day = getdate(add_months(this_month, -back)) + dt.timedelta(days=2)
		doc = frappe.get_doc({"doctype": ASSESSMENT, "assessed_on": day}).insert(ignore_permissions=True)
		doc.propose_levels()
		for row in doc.answers:
			if not row.chosen_level:  # a question the data cannot answer: the assessor's own level
				row.chosen_level = 2 if lower_hand_answers else 3
		doc.save(ignore_permissions=True)
		doc.submit()
		names.append(doc.name)
	actions = frappe.get_all(
		"ITIL Improvement Action", filters={"source_assessment": ["in", names]}, pluck="name"
	)
	return {"maturity_assessments": names, "improvement_actions": actions}
