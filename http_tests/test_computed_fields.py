"""Fields the server computes ignore what a client sends: priority, deadlines, SLA status, tier, the
change's risk and authority. Frappe saves read-only fields sent over the API as they come; the app must
compute them again on every save."""

from conftest import make_user
from samples import minimal

FORGED = {
	"priority": "P1 Critical",
	"priority_reason": "forged",
	"effective_impact": "High",
	"tier": 3,
	"sla_status": "Met",
	"response_by": "2099-01-01 00:00:00",
	"resolution_by": "2099-01-01 00:00:00",
	"next_sla_check": "2099-01-01 00:00:00",
	"sla_notified": "forged",
}


def stored(admin, doctype, name) -> dict:
	return admin.doc(doctype, name).data


def test_an_incident_keeps_the_values_the_server_computes(admin, refs):
	agent = make_user(admin, ["ITIL Service Desk Agent"], label="forging agent")
	lowest = {"impact": "Low", "urgency": "Low"}
	honest = admin.insert("ITIL Incident", {**minimal("ITIL Incident", refs), **lowest})
	assert honest.ok, honest
	expected = honest.data
	forged = agent.insert("ITIL Incident", {**minimal("ITIL Incident", refs), **lowest, **FORGED})
	assert forged.ok, forged
	got = stored(admin, "ITIL Incident", forged.data["name"])
	for field in ("priority", "effective_impact", "tier", "sla_status"):
		assert got[field] == expected[field], (field, got[field], expected[field])
	for field in ("response_by", "resolution_by", "next_sla_check", "priority_reason", "sla_notified"):
		assert got.get(field) != FORGED[field], field
	# and on update
	answer = agent.update("ITIL Incident", forged.data["name"], FORGED)
	assert answer.ok, answer
	again = stored(admin, "ITIL Incident", forged.data["name"])
	for field in ("priority", "effective_impact", "tier", "sla_status", "response_by", "resolution_by"):
		assert again[field] == got[field], (field, again[field], got[field])


def test_a_change_keeps_its_computed_risk_and_authority(admin, refs):
	engineer = make_user(admin, ["ITIL Support Engineer"], label="forging engineer")
	honest = admin.insert("ITIL Change", minimal("ITIL Change", refs)).data
	forged = engineer.insert(
		"ITIL Change",
		{
			**minimal("ITIL Change", refs),
			"risk_score": 0,
			"required_authority": "Pre-authorised (standard change)",
		},
	)
	assert forged.ok, forged
	got = stored(admin, "ITIL Change", forged.data["name"])
	assert (got["risk_score"], got["required_authority"]) == (
		honest["risk_score"],
		honest["required_authority"],
	)
