"""docs/permissions.md is the contract; the doctype JSON must say exactly the same."""

import re

from app_checks import ROOT, load_doctypes

LETTERS = {"R": "read", "W": "write", "C": "create", "D": "delete"}


def parse_permissions_doc(
	path=ROOT / "docs" / "permissions.md",
) -> tuple[list[str], dict[str, dict[str, set]]]:
	lines = path.read_text().splitlines()
	role_names = dict(re.findall(r"^- \*\*(.+?)\*\*: `(.+?)`", "\n".join(lines), re.M))
	header = next(l for l in lines if l.startswith("| Module | DocType |"))
	roles = [role_names[c.strip()] for c in header.strip("|").split("|")[2:]]
	matrix = {}
	start = lines.index(header) + 2
	for line in lines[start:]:
		if not line.startswith("|"):
			break
		cells = [c.strip() for c in line.strip("|").split("|")]
		matrix[cells[1]] = {
			role: {LETTERS[x] for x in cell.split()} if cell != "-" else set()
			for role, cell in zip(roles, cells[2:])
		}
	return roles, matrix


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
