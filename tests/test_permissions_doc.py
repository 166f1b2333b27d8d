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
