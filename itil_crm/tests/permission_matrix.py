"""Reads docs/permissions.md, the role x doctype x action contract (no frappe import: the pure suite
uses it to compare the doctype JSON, the integration suite to check real users)."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
LETTERS = {"R": "read", "W": "write", "C": "create", "D": "delete"}


def parse_permissions_doc(path: Path = DOC) -> tuple[list[str], dict[str, dict[str, set[str]]]]:
	"""(roles, {doctype: {role: {"read", "write", ...}}}) from the markdown table."""
	text = path.read_text()
	lines = text.splitlines()
	role_names = dict(re.findall(r"^- \*\*(.+?)\*\*: `(.+?)`", text, re.M))
	header = next(line for line in lines if line.startswith("| Module | DocType |"))
	roles = [role_names[c.strip()] for c in header.strip("|").split("|")[2:]]
	matrix = {}
	for line in lines[lines.index(header) + 2 :]:
		if not line.startswith("|"):
			break
		cells = [c.strip() for c in line.strip("|").split("|")]
		matrix[cells[1]] = {
			role: set() if cell == "-" else {LETTERS[x] for x in cell.split()}
			for role, cell in zip(roles, cells[2:])
		}
	return roles, matrix


def parse_moves_doc(path: Path = DOC) -> dict[str, dict[str, bool]]:
	"""{move key: {role: allowed}} from the table of moves that need a role (its first cell starts with
	the move's key in backquotes)."""
	text = path.read_text()
	lines = text.splitlines()
	role_names = dict(re.findall(r"^- \*\*(.+?)\*\*: `(.+?)`", text, re.M))
	header = next(line for line in lines if line.startswith("| Move |"))
	roles = [role_names[c.strip()] for c in header.strip("|").split("|")[1:]]
	moves = {}
	for line in lines[lines.index(header) + 2 :]:
		if not line.startswith("|"):
			break
		cells = [c.strip() for c in line.strip("|").split("|")]
		key = re.match(r"`(\w+)`", cells[0]).group(1)
		moves[key] = {role: cell == "Y" for role, cell in zip(roles, cells[1:], strict=True)}
	return moves
