"""docs/permissions.md is the contract; the doctype JSON must say exactly the same."""

from app_checks import load_doctypes

from itil_crm.tests.permission_matrix import LETTERS, parse_permissions_doc


def test_doc_matches_doctype_permissions():
	roles, matrix = parse_permissions_doc()
	doctypes = {n: d for n, d in load_doctypes().items() if not d.get("istable")}
	assert set(matrix) == set(doctypes)
	for name, dt in doctypes.items():
		from_json = {role: set() for role in roles}
		for perm in dt["permissions"]:
			if perm.get("permlevel", 0) == 0:
				from_json[perm["role"]] = {a for a in LETTERS.values() if perm.get(a)}
		assert from_json == matrix[name], name


def test_a_changed_doc_is_detected(tmp_path):
	from itil_crm.tests.permission_matrix import DOC

	broken = tmp_path / "permissions.md"
	broken.write_text(DOC.read_text().replace("| ITIL Incident | R W C |", "| ITIL Incident | R W C D |"))
	_roles, matrix = parse_permissions_doc(broken)
	assert "delete" in matrix["ITIL Incident"]["ITIL Service Desk Agent"]


# what a portal customer (role ITIL Customer, permission level 0 only) may read of an incident; any
# new field is internal (level 1) unless it is added here on purpose
CUSTOMER_VISIBLE = {
	"naming_series", "subject", "status", "priority", "opened_on", "customer_type", "customer",
	"channel", "caller", "caller_email", "caller_phone", "description", "resolution_code",
	"resolved_on", "closed_on", "resolution_notes", "sla_status", "first_responded_on",
	"response_by", "resolution_by", "source_type", "source_name",
}  # fmt: skip
LAYOUT = {"Section Break", "Column Break", "Tab Break"}


def test_incident_fields_a_customer_must_not_read_are_on_level_1():
	incident = load_doctypes()["ITIL Incident"]
	data_fields = [f for f in incident["fields"] if f["fieldtype"] not in LAYOUT]
	level_0 = {f["fieldname"] for f in data_fields if not f.get("permlevel")}
	assert level_0 == CUSTOMER_VISIBLE


def test_every_reader_of_incidents_reads_level_1_with_the_same_rights():
	perms = load_doctypes()["ITIL Incident"]["permissions"]
	level_0 = {p["role"]: p for p in perms if not p.get("permlevel")}
	level_1 = {p["role"]: p for p in perms if p.get("permlevel") == 1}
	assert "ITIL Customer" not in level_1 and set(level_0["ITIL Customer"]) == {"read", "role"}
	for role, p in level_0.items():
		if role != "ITIL Customer":
			assert (level_1[role].get("read"), bool(level_1[role].get("write"))) == (1, bool(p.get("write")))
