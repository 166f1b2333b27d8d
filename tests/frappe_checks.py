"""Static checks that keep the app on Frappe's public, version-neutral ground, runnable without frappe.

Frappe 16 moved the desk from ``/app`` to ``/desk``, builds ``get_list`` / ``get_all`` through its query
builder (no SQL functions as field strings), rejects the fifth element of a Number Card's or Dashboard
Chart's filter condition, and gives each app a Workspace Sidebar. The app's own layering is checked
here too: pure engines, packages that do not import each other both ways, doc events only on other
apps' doctypes, and Frappe's private names used only by the app's fixes for Frappe (frappe_fixes/).

As in app_checks, each check returns a list of human-readable problems (empty when the app is sound),
so tests can assert both that the real app is clean and that a broken file is caught.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

from app_checks import APP, load_doctypes, scrub

# --- helpers ------------------------------------------------------------------------------------------


def _rel(path: Path, app: Path) -> str:
	return str(path.relative_to(app))


def _is_test(path: Path, app: Path) -> bool:
	parts = path.relative_to(app).parts
	return parts[0] == "tests" or path.name.startswith("test_")


def app_modules(app: Path = APP, tests: bool = False) -> Iterator[tuple[Path, ast.Module]]:
	"""Each Python module of the app (without its tests unless asked), parsed."""
	for path in sorted(app.rglob("*.py")):
		if "__pycache__" in path.parts or (not tests and _is_test(path, app)):
			continue
		yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _module_name(path: Path, app: Path) -> str:
	parts = list(path.relative_to(app.parent).with_suffix("").parts)
	if parts[-1] == "__init__":
		parts.pop()
	return ".".join(parts)


def _imported_modules(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
	"""The dotted modules (or module.name) each import of ``tree`` names, relative imports resolved, with
	its line; imports inside functions included (a dependency all the same)."""
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			for alias in node.names:
				yield alias.name, node.lineno
		elif isinstance(node, ast.ImportFrom):
			if node.level:
				base = module.split(".")
				base = base[: len(base) - node.level + (1 if is_package else 0)]
				prefix = ".".join(base + ([node.module] if node.module else []))
			else:
				prefix = node.module or ""
			for alias in node.names:
				yield f"{prefix}.{alias.name}", node.lineno


# --- a. no /app/ route literal ------------------------------------------------------------------------

APP_ROUTE = re.compile(r"/app/")
ROUTE_SUFFIXES = (".py", ".js", ".html", ".json")


def check_no_app_routes(app: Path = APP) -> list[str]:
	"""Frappe 16 serves the desk at /desk: a literal /app/ route breaks there. Routes come from Frappe
	(frappe.utils.get_url_to_form, frappe.utils.get_form_link, frappe.set_route)."""
	problems = []
	for path in sorted(app.rglob("*")):
		if not path.is_file() or path.suffix not in ROUTE_SUFFIXES or "__pycache__" in path.parts:
			continue
		for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
			if APP_ROUTE.search(line):
				problems.append(
					f"{_rel(path, app)}:{number}: a literal /app/ route (the desk is /desk on Frappe 16): "
					f"{line.strip()[:100]}"
				)
	return problems


# --- b. no SQL function in the fields of get_list / get_all / get_values -------------------------------

# name -> (index of the fields among the positional arguments, keywords that hold fields)
FIELD_ARGUMENTS = {
	"get_list": (1, ("fields", "pluck")),  # frappe.get_list(doctype, fields, filters, ...)
	"get_all": (1, ("fields", "pluck")),
	"get_values": (2, ("fieldname", "fields")),  # frappe.db.get_values(doctype, filters, fieldname)
	"get_value": (2, ("fieldname", "fields")),
}
# a field name never holds a parenthesis: ``name(`` is an SQL function call
SQL_FUNCTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*\(")


def _call_name(func: ast.expr) -> str | None:
	if isinstance(func, ast.Attribute):
		return func.attr
	if isinstance(func, ast.Name):
		return func.id
	return None


def _strings(node: ast.expr, constants: dict[str, ast.expr], depth: int = 0) -> Iterator[str]:
	"""The string literals an expression may evaluate to (lists, f-strings, +, module constants)."""
	if depth > 5:
		return
	if isinstance(node, ast.Constant) and isinstance(node.value, str):
		yield node.value
	elif isinstance(node, ast.JoinedStr):
		yield "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
	elif isinstance(node, ast.List | ast.Tuple | ast.Set):
		for element in node.elts:
			yield from _strings(
				element.value if isinstance(element, ast.Starred) else element, constants, depth + 1
			)
	elif isinstance(node, ast.BinOp):
		yield from _strings(node.left, constants, depth + 1)
		yield from _strings(node.right, constants, depth + 1)
	elif isinstance(node, ast.Name) and node.id in constants:
		yield from _strings(constants[node.id], constants, depth + 1)
	elif isinstance(node, ast.GeneratorExp | ast.ListComp):
		yield from _strings(node.elt, constants, depth + 1)


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
	return {
		target.id: node.value
		for node in tree.body
		if isinstance(node, ast.Assign)
		for target in node.targets
		if isinstance(target, ast.Name)
	}


def check_sql_function_fields(app: Path = APP) -> list[str]:
	"""Frappe 16 builds get_list / get_all / get_values through its query builder, which refuses SQL
	functions given as field strings ("count(*) as n"): aggregates are written with frappe.qb
	(itil_crm.queries.permitted keeps the user's permissions)."""
	problems = []
	for path, tree in app_modules(app):
		constants = _module_constants(tree)
		for node in ast.walk(tree):
			if not isinstance(node, ast.Call) or _call_name(node.func) not in FIELD_ARGUMENTS:
				continue
			position, keywords = FIELD_ARGUMENTS[_call_name(node.func)]
			given = [node.args[position]] if len(node.args) > position else []
			given += [k.value for k in node.keywords if k.arg in keywords]
			found = [
				text for value in given for text in _strings(value, constants) if SQL_FUNCTION.search(text)
			]
			if found:
				problems.append(
					f"{_rel(path, app)}:{node.lineno}: {_call_name(node.func)} with SQL functions in its fields "
					f"({', '.join(map(repr, found))}): write the query with frappe.qb"
				)
	return problems


# --- c. pure engines ----------------------------------------------------------------------------------


def check_pure_engines(app: Path = APP) -> list[str]:
	"""The engines (itil_crm/engines) are plain Python, testable without frappe: none imports frappe, nor
	a module of the app outside the engines (which would bring frappe along)."""
	problems = []
	for path in sorted((app / "engines").rglob("*.py")):
		if "__pycache__" in path.parts:
			continue
		tree = ast.parse(path.read_text(encoding="utf-8"))
		module = _module_name(path, app)
		for name, line in _imported_modules(tree, module, path.name == "__init__.py"):
			top = name.split(".")[0]
			if top == "frappe":
				problems.append(f"{_rel(path, app)}:{line}: an engine imports frappe ({name})")
			elif top == app.name and not name.startswith(f"{app.name}.engines"):
				problems.append(f"{_rel(path, app)}:{line}: an engine imports {name}, which is not an engine")
	return problems


# --- d. no import cycle between the app's top-level packages -------------------------------------------


def package_of(path: Path, app: Path) -> str:
	"""The top-level package (first folder under the app) or top-level module (hooks, queries) of a file."""
	first = path.relative_to(app).parts[0]
	return first[:-3] if first.endswith(".py") else first


def package_imports(app: Path = APP) -> dict[str, dict[str, list[str]]]:
	"""package -> package it imports -> where (file:line), over the non-test modules."""
	graph: dict[str, dict[str, list[str]]] = {}
	top_level = {
		p.stem if p.suffix == ".py" else p.name for p in app.iterdir() if p.suffix == ".py" or p.is_dir()
	}
	for path, tree in app_modules(app):
		source = package_of(path, app)
		graph.setdefault(source, {})
		module = _module_name(path, app)
		for name, line in _imported_modules(tree, module, path.name == "__init__.py"):
			parts = name.split(".")
			if parts[0] != app.name or len(parts) < 2 or parts[1] not in top_level:
				continue
			target = parts[1]
			if target != source:
				graph[source].setdefault(target, []).append(f"{_rel(path, app)}:{line}")
	return graph


def import_cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
	"""The strongly connected components of more than one package (Tarjan), each sorted."""
	index: dict[str, int] = {}
	low: dict[str, int] = {}
	stack: list[str] = []
	on_stack: set[str] = set()
	components = []

	def visit(node: str):
		index[node] = low[node] = len(index)
		stack.append(node)
		on_stack.add(node)
		for target in graph.get(node, {}):
			if target not in index:
				visit(target)
				low[node] = min(low[node], low[target])
			elif target in on_stack:
				low[node] = min(low[node], index[target])
		if low[node] == index[node]:
			component = []
			while True:
				member = stack.pop()
				on_stack.discard(member)
				component.append(member)
				if member == node:
					break
			if len(component) > 1:
				components.append(sorted(component))

	for node in sorted(graph):
		if node not in index:
			visit(node)
	return sorted(components)


def check_package_cycles(app: Path = APP, known: frozenset[frozenset[str]] = frozenset()) -> list[str]:
	"""No two top-level packages of the app import each other, directly or through others: each cycle is
	reported with the imports that close it. A ``known`` cycle (a set of packages, already reported to
	its owners) is tolerated while it lasts exactly so, and reported once it is gone."""
	graph = package_imports(app)
	problems = []
	cycles = import_cycles(graph)
	for component in cycles:
		members = set(component)
		if members in known:
			continue
		edges = [
			f"{source} -> {target} ({', '.join(where[:2])}{', ...' if len(where) > 2 else ''})"
			for source in component
			for target, where in sorted(graph.get(source, {}).items())
			if target in members
		]
		problems.append(f"import cycle between {', '.join(component)}: " + "; ".join(edges))
	for gone in sorted(sorted(k) for k in known - {frozenset(c) for c in cycles}):
		problems.append(f"the known import cycle between {', '.join(gone)} is gone: forget it")
	return problems


# --- e. doc_events only on other apps' doctypes ---------------------------------------------------------


def _hook_value(tree: ast.Module, name: str) -> ast.expr | None:
	"""The value a module assigns to ``name`` at its top level (annotated or not)."""
	for node in tree.body:
		if isinstance(node, ast.Assign):
			targets = node.targets
		elif isinstance(node, ast.AnnAssign) and node.value is not None:
			targets = [node.target]
		else:
			continue
		if any(isinstance(t, ast.Name) and t.id == name for t in targets):
			return node.value
	return None


def check_doc_events(app: Path = APP) -> list[str]:
	"""hooks.py ``doc_events``: never "*" (every save of every doctype of the site would call the app), and
	never one of the app's own doctypes, whose controllers hold their whole lifecycle."""
	tree = ast.parse((app / "hooks.py").read_text(encoding="utf-8"))
	value = _hook_value(tree, "doc_events")
	if value is None:
		return []
	if not isinstance(value, ast.Dict):
		return ["hooks.py: doc_events is not a dict literal; it cannot be checked"]
	own = set(load_doctypes(app))
	problems = []
	for key in value.keys:
		if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
			problems.append(f"hooks.py:{getattr(key, 'lineno', '?')}: doc_events key is not a doctype name")
		elif key.value == "*":
			problems.append(f'hooks.py:{key.lineno}: doc_events on "*" runs on every save of every doctype')
		elif key.value in own:
			problems.append(
				f"hooks.py:{key.lineno}: doc_events on the app's own doctype {key.value!r}: "
				"its controller holds its lifecycle"
			)
	return problems


# --- f. Frappe's private names only in frappe_fixes, and only where listed -------------------------------

# public names that start with an underscore
PUBLIC_UNDERSCORE = {"_", "_dict", "_lt"}
# Document / BaseDocument methods of Frappe 15 (frappe/model/document.py, base_document.py) that are its
# persistence and save pipeline, not controller hooks: a controller that defines one replaces Frappe's.
# Every non-dunder name starting with "_" counts as well.
DOCUMENT_INTERNALS = {
	# base_document.py
	"init_child_tables", "init_valid_columns", "get_valid_dict", "get_valid_columns", "db_insert",
	"db_update", "db_update_all", "update_modified", "get_invalid_links", "set_fetch_from_value",
	"show_unique_validation_message", "throw_length_exceeded_error", "reset_values_if_no_permlevel_access",
	"remove_unpicklable_values", "permitted_fieldnames", "in_format_data", "is_dummy_password", "cast",
	"get_db_value",
	# document.py
	"load_from_db", "check_if_locked", "update_children", "update_child_table", "set_new_name",
	"set_title_field", "update_single", "set_user_and_timestamp", "set_docstatus", "validate_workflow",
	"validate_set_only_once", "is_child_table_same", "apply_fieldlevel_read_permissions",
	"validate_higher_perm_levels", "get_permlevel_access", "has_permlevel_access_to", "check_if_latest",
	"check_docstatus_transition", "set_parent_in_children", "set_name_in_children",
	"validate_update_after_submit", "run_before_save_methods", "load_doc_before_save",
	"run_post_save_methods", "run_notifications", "run_trigger", "save_version", "hook",
	"check_no_back_links_exist", "copy_attachments_from_amended_from",
}  # fmt: skip
# Frappe's classes that derive from Document
FRAPPE_DOCUMENT_CLASSES = {"Document", "WebsiteGenerator", "NestedSet"}
FIXES = "frappe_fixes"


def _private(name: str) -> bool:
	return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _frappe_roots(tree: ast.Module) -> set[str]:
	"""The names a module binds to frappe or to something imported from it."""
	roots = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			for alias in node.names:
				if alias.name.split(".")[0] == "frappe":
					roots.add(alias.asname or "frappe")
		elif (
			isinstance(node, ast.ImportFrom)
			and not node.level
			and (node.module or "").split(".")[0] == "frappe"
		):
			for alias in node.names:
				roots.add(alias.asname or alias.name)
	return roots - PUBLIC_UNDERSCORE


def _root(node: ast.expr) -> str | None:
	"""The name an attribute chain starts from (through calls and subscripts): frappe in
	``frappe.get_doc(x)._y``."""
	while True:
		if isinstance(node, ast.Attribute):
			node = node.value
		elif isinstance(node, ast.Call):
			node = node.func
		elif isinstance(node, ast.Subscript):
			node = node.value
		elif isinstance(node, ast.Name):
			return node.id
		else:
			return None


def _document_classes(
	modules: list[tuple[Path, ast.Module]], app: Path
) -> dict[tuple[str, str], tuple[Path, ast.ClassDef]]:
	"""(module, class) -> (file, class) of every class of the app that derives from Frappe's Document,
	directly or through the app's own base classes."""
	classes: dict[tuple[str, str], tuple[Path, ast.ClassDef, list]] = {}
	for path, tree in modules:
		module = _module_name(path, app)
		roots = _frappe_roots(tree)
		imported: dict[str, tuple[str, str] | str] = {}  # local name -> "frappe:Name" or (module, name)
		for node in ast.walk(tree):
			if isinstance(node, ast.ImportFrom):
				source = next(
					(
						m
						for m, _line in _imported_modules(
							ast.Module([node], []), module, path.name == "__init__.py"
						)
					),
					"",
				).rsplit(".", 1)[0]
				for alias in node.names:
					local = alias.asname or alias.name
					imported[local] = (
						f"frappe:{alias.name}" if source.split(".")[0] == "frappe" else (source, alias.name)
					)
		for node in tree.body:
			if not isinstance(node, ast.ClassDef):
				continue
			bases = []
			for base in node.bases:
				if isinstance(base, ast.Attribute):
					bases.append(f"frappe:{base.attr}" if _root(base) in roots else None)
				elif isinstance(base, ast.Name):
					bases.append(imported.get(base.id, (module, base.id)))
			classes[(module, node.name)] = (path, node, bases)
	documents: dict[tuple[str, str], tuple[Path, ast.ClassDef]] = {}
	changed = True
	while changed:
		changed = False
		for key, (path, node, bases) in classes.items():
			if key not in documents and any(
				(isinstance(b, str) and b.split(":", 1)[1] in FRAPPE_DOCUMENT_CLASSES) or b in documents
				for b in bases
			):
				documents[key] = (path, node)
				changed = True
	return documents


def private_frappe_uses(app: Path = APP) -> list[tuple[str, str, int, str]]:
	"""Every use of a private Frappe name in the app (tests included: they run on the same Frappe):
	(file relative to the app, name, line, what)."""
	uses = []
	modules = list(app_modules(app, tests=True))
	for path, tree in modules:
		rel = _rel(path, app)
		roots = _frappe_roots(tree)
		for node in ast.walk(tree):
			if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in PUBLIC_UNDERSCORE:
				if _root(node.value) in roots:
					uses.append((rel, node.attr, node.lineno, f"{ast.unparse(node)[:80]}"))
			elif (
				isinstance(node, ast.ImportFrom)
				and not node.level
				and (node.module or "").split(".")[0] == "frappe"
			):
				for alias in node.names:
					if _private(alias.name) and alias.name not in PUBLIC_UNDERSCORE:
						uses.append((rel, alias.name, node.lineno, f"from {node.module} import {alias.name}"))
	for (_module, name), (path, node) in _document_classes(modules, app).items():
		rel = _rel(path, app)
		for item in node.body:
			if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and (
				_private(item.name) or item.name in DOCUMENT_INTERNALS
			):
				uses.append(
					(
						rel,
						item.name,
						item.lineno,
						f"{name}.{item.name} replaces Frappe's Document.{item.name}",
					)
				)
	return sorted(uses)


def allowed_private_names(app: Path = APP) -> dict[str, set[str]]:
	"""``PRIVATE_FRAPPE_NAMES`` of frappe_fixes/__init__.py: file -> the private names it may use."""
	init = app / FIXES / "__init__.py"
	if not init.exists():
		return {}
	value = _hook_value(ast.parse(init.read_text(encoding="utf-8")), "PRIVATE_FRAPPE_NAMES")
	return {k: set(v) for k, v in ast.literal_eval(value).items()} if value is not None else {}


def check_private_frappe_names(app: Path = APP) -> list[str]:
	"""Frappe's private names (attributes and imports starting with "_", its Document internals replaced by
	a controller) change without notice between versions: only the app's fixes for Frappe may use them,
	each listed in PRIVATE_FRAPPE_NAMES (frappe_fixes/__init__.py), and the list holds nothing unused."""
	allowed = allowed_private_names(app)
	problems, used = [], set()
	for rel, name, line, what in private_frappe_uses(app):
		used.add((rel, name))
		if not rel.startswith(f"{FIXES}/"):
			problems.append(f"{rel}:{line}: Frappe's private {name!r} outside {FIXES}/ ({what})")
		elif name not in allowed.get(rel, set()):
			problems.append(
				f"{rel}:{line}: Frappe's private {name!r} is not listed in PRIVATE_FRAPPE_NAMES ({what})"
			)
	for rel, names in sorted(allowed.items()):
		if not rel.startswith(f"{FIXES}/"):
			problems.append(f"PRIVATE_FRAPPE_NAMES lists {rel}, which is not in {FIXES}/")
		for name in sorted(names - {n for r, n in used if r == rel}):
			problems.append(f"PRIVATE_FRAPPE_NAMES lists {name!r} for {rel}, which does not use it")
	return problems


# --- Number Cards and Dashboard Charts: four-element filter conditions --------------------------------


def _conditions(text: str | None) -> list:
	value = json.loads(text or "[]")
	return value if isinstance(value, list) else []  # a dict ({field: value}) has no condition arrays


def check_filter_conditions(app: Path = APP) -> list[str]:
	"""Each condition of a Number Card's or Dashboard Chart's ``filters_json`` / ``dynamic_filters_json`` is
	[doctype, field, operator, value]: Frappe 16 refuses the fifth element Frappe 15's filter UI wrote."""
	problems = []
	for path in sorted(app.glob("*/number_card/*/*.json")) + sorted(app.glob("*/dashboard_chart/*/*.json")):
		doc = json.loads(path.read_text(encoding="utf-8"))
		for key in ("filters_json", "dynamic_filters_json"):
			try:
				conditions = _conditions(doc.get(key))
			except json.JSONDecodeError:
				problems.append(f"{_rel(path, app)}: {key} is not JSON")
				continue
			for condition in conditions:
				if not isinstance(condition, list) or len(condition) != 4:
					problems.append(
						f"{_rel(path, app)}: {key} condition {json.dumps(condition)} is not "
						"[doctype, field, operator, value]"
					)
	return problems


# --- Workspace Sidebar (Frappe 16) ---------------------------------------------------------------------

SIDEBAR_LINK_TYPES = {"DocType", "Report", "Workspace"}


def _records(app: Path, folder: str, doctype: str) -> dict[str, dict]:
	out = {}
	for path in app.glob(f"*/{folder}/*/*.json"):
		doc = json.loads(path.read_text(encoding="utf-8"))
		if doc.get("doctype") == doctype:
			out[doc["name"]] = doc
	return out


def check_workspace_sidebars(app: Path = APP) -> list[str]:
	"""Each Workspace Sidebar (workspace_sidebar/*.json, read by Frappe 16) is a standard sidebar of the app
	whose links name a doctype (not a child table), report or workspace of the app, each under a section
	but the first."""
	doctypes = load_doctypes(app)
	targets = {
		"DocType": {name for name, d in doctypes.items() if not d.get("istable")},
		"Report": set(_records(app, "report", "Report")),
		"Workspace": set(_records(app, "workspace", "Workspace")),
	}
	modules = {m.strip() for m in (app / "modules.txt").read_text().splitlines() if m.strip()}
	problems = []
	paths = sorted((app / "workspace_sidebar").glob("*.json"))
	for path in paths:
		at = _rel(path, app)
		doc = json.loads(path.read_text(encoding="utf-8"))
		if doc.get("doctype") != "Workspace Sidebar":
			problems.append(f"{at}: not a Workspace Sidebar")
			continue
		if (doc.get("app"), doc.get("standard")) != (app.name, 1):
			problems.append(f"{at}: a sidebar shipped by the app is standard and names the app")
		if doc.get("module") not in modules:
			problems.append(f"{at}: module {doc.get('module')!r} is not in modules.txt")
		if path.stem != scrub(doc.get("title") or ""):
			problems.append(f"{at}: the file of a sidebar is named after its title")
		if path.read_text(encoding="utf-8") != json.dumps(doc, indent=1, sort_keys=True) + "\n":
			problems.append(f"{at}: not written as Frappe exports it (indent 1, sorted keys)")
		section = False
		for n, item in enumerate(doc.get("items", []), 1):
			label = f"{at}: item {n} ({item.get('label')!r})"
			if item.get("type") == "Section Break":
				section = True
				continue
			if item.get("type") != "Link":
				problems.append(f"{label}: type {item.get('type')!r} is neither Link nor Section Break")
				continue
			kind, target = item.get("link_type"), item.get("link_to")
			if kind not in SIDEBAR_LINK_TYPES:
				problems.append(f"{label}: link_type {kind!r} is not one of {sorted(SIDEBAR_LINK_TYPES)}")
			elif target not in targets[kind]:
				problems.append(f"{label}: link_to {target!r} is no {kind} of the app")
			if bool(item.get("child")) != section:
				problems.append(
					f"{label}: child must be {int(section)} ({'under' if section else 'before'} a section)"
				)
	return problems
