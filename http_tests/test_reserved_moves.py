"""docs/permissions.md, "Moves that need a role", enforced over HTTP: every principal of the table (a user per
role with its API key, a portal customer, a desk user without ITIL roles, a monitoring tool's API user and
Guest) tries each reserved move on a record made for the attempt by Administrator, the way the desk or a
client makes it (a REST update, the app's method). Allowed means HTTP 200 and the move made; refused means
403 (417 where the process, not the role, stands in the way; 401 for Guest) and the record unchanged."""

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from conftest import ROOT, Client, make_user, unique
from samples import minimal

sys.path.insert(0, str(ROOT))
from itil_crm.tests.permission_matrix import parse_moves_doc, parse_permissions_doc

ROLES, _MATRIX = parse_permissions_doc()
MOVES = parse_moves_doc()
WEBSITE_ROLES = {"ITIL Customer", "ITIL Event Source"}
REFUSED = (401, 403, 417)


@pytest.fixture(scope="module")
def movers(admin, served) -> dict[str, Client]:
	"""One client per column (role -> client); users distinct from the access matrix's (their keys stay)."""
	clients = {}
	for role in ROLES:
		if role == "Guest":
			clients[role] = Client(served["url"], served["host"], "Guest")
		else:
			user_type = "Website User" if role in WEBSITE_ROLES else "System User"
			clients[role] = make_user(admin, [role], user_type=user_type, label=f"moves {role}")
	return clients


@pytest.fixture(scope="module")
def shared(admin, refs) -> dict:
	"""Records every attempt may use without changing them: a known error with a workaround, an open problem."""
	known_error = admin.insert("ITIL Known Error", minimal("ITIL Known Error", refs))
	problem = admin.insert("ITIL Problem", minimal("ITIL Problem", refs))
	assert known_error.ok and problem.ok, (known_error, problem)
	settings = admin.doc("ITIL Settings", "ITIL Settings").data
	return {
		**refs,
		"known_error": known_error.data["name"],
		"problem": problem.data["name"],
		"override_role": settings.get("go_live_override_role") or "ITIL Change Manager",
	}


def created(admin: Client, doctype: str, values: dict) -> str:
	answer = admin.insert(doctype, values)
	assert answer.ok, (doctype, answer)
	return answer.data["name"]


def moved(admin: Client, doctype: str, name: str, *steps: dict) -> None:
	for values in steps:
		answer = admin.update(doctype, name, values)
		assert answer.ok, (doctype, name, values, answer)


def field(admin: Client, doctype: str, name: str, fieldname: str):
	answer = admin.doc(doctype, name)
	assert answer.ok, answer
	return answer.data.get(fieldname)


def change_in_assessment(admin, change_type="Normal", risk="Low") -> str:
	title = unique("_HTTP change")
	name = created(admin, "ITIL Change", {"title": title, "change_type": change_type, "risk": risk})
	moved(admin, "ITIL Change", name, {"status": "Assessment"})
	return name


def go_live_in_final_review(admin, refs, failing: bool) -> str:
	values = {**minimal("ITIL Go-Live", refs), "go_live_date": date.today().isoformat()}
	if failing:  # a mandatory checklist item not done: an exit criterion fails
		values["checklist"] = [
			{"requirement": refs["requirement"], "task": "HTTP check", "is_exit_criterion": 1}
		]
	name = created(admin, "ITIL Go-Live", values)
	moved(
		admin,
		"ITIL Go-Live",
		name,
		{"status": "In Warranty"},
		{"status": "Final Review", "review_decision": "Close", "final_review": "<p>Stable</p>"},
	)
	return name


def incident(admin, refs) -> str:
	return created(admin, "ITIL Incident", minimal("ITIL Incident", refs))


# each move: (set up as Administrator -> context, try as the principal -> answer, was the move made?)
def _change_move(change_type, risk, status):
	def setup(admin, refs):
		return change_in_assessment(admin, change_type, risk)

	def attempt(client, change, refs):
		return client.update("ITIL Change", change, {"status": status})

	def made(admin, change, client):
		return field(admin, "ITIL Change", change, "status") == status

	return setup, attempt, made


def _vote(change_type, risk):
	def setup(admin, refs):
		return change_in_assessment(admin, change_type, risk)

	def attempt(client, change, refs):
		return client.method(
			"itil_crm.change_enablement.authority.cast_vote", change=change, decision="Approve"
		)

	def made(admin, change, client):
		votes = field(admin, "ITIL Change", change, "cab_votes") or []
		return any(v["member"] == client.user for v in votes)

	return setup, attempt, made


def _write_votes():
	def setup(admin, refs):
		return change_in_assessment(admin, "Normal", "High")

	def attempt(client, change, refs):
		votes = [
			{"member": "Administrator", "decision": "Approve", "voted_on": "2026-01-05 10:00:00"},
			{"member": "Guest", "decision": "Approve", "voted_on": "2026-01-05 10:00:00"},
		]
		return client.update("ITIL Change", change, {"cab_votes": votes})

	def made(admin, change, client):
		return bool(field(admin, "ITIL Change", change, "cab_votes"))

	return setup, attempt, made


def _close_go_live(failing: bool):
	def setup(admin, refs):
		return go_live_in_final_review(admin, refs, failing)

	def attempt(client, go_live, refs):
		values = {"status": "Closed"}
		if failing:
			values["override_reason"] = "HTTP: the customer accepts it"
		return client.update("ITIL Go-Live", go_live, values)

	def made(admin, go_live, client):
		return field(admin, "ITIL Go-Live", go_live, "status") == "Closed"

	return setup, attempt, made


def _override_priority():
	def attempt(client, name, refs):
		return client.update(
			"ITIL Incident", name, {"priority_override": refs["priority"], "override_reason": "HTTP test"}
		)

	def made(admin, name, client):
		return field(admin, "ITIL Incident", name, "priority_override") is not None

	return incident, attempt, made


def _apply_workaround():
	def attempt(client, name, refs):
		return client.method(
			"run_doc_method",
			dt="ITIL Incident",
			dn=name,
			method="apply_known_error",
			args=json.dumps({"known_error": refs["known_error"]}),
		)

	def made(admin, name, client):
		return field(admin, "ITIL Incident", name, "resolution_code") == "Workaround Applied"

	return incident, attempt, made


def _merge():
	def setup(admin, refs):
		return incident(admin, refs), incident(admin, refs)

	def attempt(client, pair, refs):
		return client.method("itil_crm.incident_management.duplicates.merge", incident=pair[0], into=pair[1])

	def made(admin, pair, client):
		return field(admin, "ITIL Incident", pair[0], "duplicate_of") == pair[1]

	return setup, attempt, made


def _link_to_problem():
	def attempt(client, name, refs):
		return client.method(
			"itil_crm.problem_management.problems.link_incidents", problem=refs["problem"], incidents=[name]
		)

	def made(admin, name, client):
		return field(admin, "ITIL Incident", name, "problem") is not None

	return incident, attempt, made


TRIES = {
	"authorise_manager_change": _change_move("Normal", "Low", "Authorized"),
	"reject_manager_change": _change_move("Normal", "Low", "Rejected"),
	"authorise_cab_change": _change_move("Normal", "High", "Authorized"),
	"reject_cab_change": _change_move("Normal", "High", "Rejected"),
	"cab_vote": _vote("Normal", "High"),
	"ecab_vote": _vote("Emergency", "High"),
	"write_cab_votes": _write_votes(),
	"sign_off_go_live": _close_go_live(failing=False),
	"override_go_live": _close_go_live(failing=True),
	"override_priority": _override_priority(),
	"apply_workaround": _apply_workaround(),
	"merge_incidents": _merge(),
	"link_to_problem": _link_to_problem(),
}


def test_every_move_of_the_table_is_tried():
	assert set(TRIES) == set(MOVES), set(TRIES) ^ set(MOVES)


@pytest.mark.parametrize("move", list(MOVES))
def test_a_reserved_move_is_made_only_by_the_roles_of_the_table(move, admin, movers, shared):
	if move == "override_go_live" and shared["override_role"] != "ITIL Change Manager":
		pytest.skip(f"ITIL Settings > Go-Lives names {shared['override_role']}, not the default role")
	setup, attempt, made = TRIES[move]

	def try_as(role: str) -> str | None:
		client = movers[role]
		context = setup(admin, shared)
		answer = attempt(client, context, shared)
		done = made(admin, context, client)
		allowed = MOVES[move][role]
		if allowed and not (answer.status == 200 and done):
			return f"{role}: expected allowed, got {answer!r} (move made: {done})"
		if not allowed and (answer.status not in REFUSED or done):
			return f"{role}: expected refused (403), got {answer!r} (move made: {done})"
		return None

	with ThreadPoolExecutor(max_workers=4) as pool:
		errors = [e for e in pool.map(try_as, ROLES) if e]
	assert errors == [], f"{move}:\n" + "\n".join(errors)
