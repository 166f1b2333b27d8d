"""Reads docs/permissions.md, the role x doctype x action contract (no frappe import: the pure suite
uses it to compare the doctype JSON, the integration suite to check real users)."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
LETTERS = {"R": "read", "W": "write", "C": "create", "D": "delete"}


def _table(path: Path, header_start: str, labels: int) -> tuple[list[str], list[list[str]]]:
	"""(roles, rows of cells) of the markdown table whose header starts with ``header_start``; its first
	``labels`` columns name the row, the others are the roles (by the names of the doc's role list)."""
	text = path.read_text()
	lines = text.splitlines()
	role_names = dict(re.findall(r"^- \*\*(.+?)\*\*: `(.+?)`", text, re.M))
	header = next(line for line in lines if line.startswith(header_start))
	roles = [role_names[c.strip()] for c in header.strip("|").split("|")[labels:]]
	rows = []
	for line in lines[lines.index(header) + 2 :]:
		if not line.startswith("|"):
			break
		rows.append([c.strip() for c in line.strip("|").split("|")])
	return roles, rows


def parse_permissions_doc(path: Path = DOC) -> tuple[list[str], dict[str, dict[str, set[str]]]]:
	"""(roles, {doctype: {role: {"read", "write", ...}}}) from the markdown table."""
	roles, rows = _table(path, "| Module | DocType |", 2)
	matrix = {
		cells[1]: {
			role: set() if cell == "-" else {LETTERS[x] for x in cell.split()}
			for role, cell in zip(roles, cells[2:])
		}
		for cells in rows
	}
	return roles, matrix


def parse_moves_doc(path: Path = DOC) -> dict[str, dict[str, bool]]:
	"""{move key: {role: allowed}} from the table of moves that need a role (its first cell starts with
	the move's key in backquotes)."""
	roles, rows = _table(path, "| Move |", 1)
	return {
		re.match(r"`(\w+)`", cells[0]).group(1): {
			role: cell == "Y" for role, cell in zip(roles, cells[1:], strict=True)
		}
		for cells in rows
	}
