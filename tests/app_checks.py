"""Static checks of the app's own files, runnable without frappe.

Each check returns a list of human-readable problems (empty when the app is sound), so tests can
assert both that the real app is clean and that a broken file is caught.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "itil_crm"
# Layout fields, and fields every doctype has whatever its JSON says
STANDARD_FIELDS = {
	"name",
	"owner",
	"creation",
	"modified",
	"modified_by",
	"docstatus",
	"idx",
	"parent",
	"parentfield",
	"parenttype",
	"_user_tags",
	"_comments",
	"_assign",
	"_liked_by",
	"_seen",
	"__islocal",
	"__unsaved",
}
DYNAMIC_DEPENDS = {"__islocal", "__unsaved"}


# Keys that frappe, ERPNext and Helpdesk store as global (or user) defaults. Frappe fills every new
# document's Link field *named* like one of them from that default, in the form and on the server
# (frappe.model.create_new.get_user_default_value), so a Link field of ours with such a name silently
# takes another app's value (issue 6: `customer_group` made every SLA a group agreement).
DEFAULT_KEYS = {
	# frappe: System Settings writes each of its fields as a default
	"country", "language", "lang", "time_zone", "currency", "date_format", "time_format",
	"number_format", "float_precision", "currency_precision", "first_day_of_the_week",
	# ERPNext: Global Defaults, setup wizard
	"company", "fiscal_year", "hide_currency_symbol", "account_url", "disable_rounded_total",
	"disable_in_words", "is_pos",
	# ERPNext: Selling Settings
	"cust_master_name", "customer_group", "territory", "maintain_same_sales_rate",
	"editable_price_list_rate", "selling_price_list",
	# ERPNext: Buying Settings
	"supplier_group", "supp_master_name", "maintain_same_rate", "buying_price_list",
	# ERPNext: Stock Settings
	"item_naming_by", "item_group", "stock_uom", "allow_negative_stock", "default_warehouse",
	"set_qty_in_transactions_based_on_serial_no_input", "use_serial_batch_fields",
}  # fmt: skip


def default_leak(at: str, field: dict) -> list[str]:
	"""Frappe fills a new document's Link field from a default keyed by the field's name (server and
	form), and in the form also by its target doctype's scrubbed name unless the field ignores user
	permissions (frappe/public/js/frappe/model/create_new.js, get_default_value)."""
	if field.get("fieldtype") != "Link" or field.get("options") == "User":
		return []
	problems = []
	if field.get("fieldname") in DEFAULT_KEYS:
		problems.append(
			f"{at}: a Link field named {field['fieldname']!r} takes the global default of that name "
			"(set by frappe or ERPNext): rename it"
		)
	if scrub(field.get("options") or "") in DEFAULT_KEYS and not field.get("ignore_user_permissions"):
		problems.append(
			f"{at}: a Link to {field['options']!r} takes the global default {scrub(field['options'])!r} "
			"in the form: set ignore_user_permissions"
		)
	return problems


def reference_dir() -> Path | None:
	candidates = [os.environ.get("ITIL_CRM_REFERENCE"), ROOT.parent / "shared" / "reference"]
	for c in candidates:
		if c and Path(c, "taken-doctype-names.tsv").exists():
			return Path(c)
	return None


@dataclass
class Reference:
	taken: dict[str, str]  # doctype -> app
	fieldtypes: set[str]
	foreign_fields: dict[str, dict[str, dict]] = field(default_factory=dict)  # doctype -> fieldname -> row

	@classmethod
	def load(cls, path: Path) -> Reference:
		taken = {}
		for line in (path / "taken-doctype-names.tsv").read_text().splitlines():
			if not line or line.startswith("#") or line.startswith("name\t"):
				continue
			name, app = line.split("\t")[:2]
			taken[name] = app
		fieldtypes = {
			line.strip()
			for line in (path / "frappe-v15-fieldtypes.txt").read_text().splitlines()
			if line.strip() and not line.startswith("#")
		}
		foreign: dict[str, dict[str, dict]] = {}
		rows = [
			l for l in (path / "integration-fields.tsv").read_text().splitlines() if not l.startswith("#")
		]
		for row in csv.DictReader(rows, delimiter="\t"):
			foreign.setdefault(row["doctype"], {})[row["fieldname"]] = row
		return cls(taken, fieldtypes, foreign)

	def app_of(self, doctype: str) -> str | None:
		return self.taken.get(doctype)


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def load_doctypes(app: Path = APP) -> dict[str, dict]:
	out = {}
	for path in sorted(app.glob("*/doctype/*/*.json")):
		data = json.loads(path.read_text())
		if data.get("doctype") == "DocType":
			data["__path"] = path
			out[data["name"]] = data
	return out


def _fields(dt: dict) -> dict[str, dict]:
	return {f["fieldname"]: f for f in dt.get("fields", [])}


def _depends_names(expr: str) -> list[str]:
	expr = expr.strip()
	if expr.startswith("eval:"):
		return re.findall(r"\bdoc\.([a-zA-Z_][a-zA-Z0-9_]*)", expr)
	return [expr] if expr else []


def check_doctypes(ref: Reference, app: Path = APP) -> list[str]:
	problems: list[str] = []
	doctypes = load_doctypes(app)
	modules = [m.strip() for m in (app / "modules.txt").read_text().splitlines() if m.strip()]
	if not doctypes:
		return [f"no doctype found under {app}"]

	def resolves(target: str, allow_apps=("frappe",)) -> bool:
		return target in doctypes or ref.app_of(target) in allow_apps

	for name, dt in doctypes.items():
		where = f"{name}"
		path: Path = dt["__path"]
		if not name.startswith("ITIL "):
			problems.append(f"{where}: doctype name must start with 'ITIL '")
		if name in ref.taken:
			problems.append(f"{where}: name already taken by {ref.taken[name]}")
		if dt.get("module") not in modules:
			problems.append(f"{where}: module {dt.get('module')!r} is not in modules.txt")
		expected = app / scrub(dt.get("module", "")) / "doctype" / scrub(name) / f"{scrub(name)}.json"
		if path != expected:
			problems.append(f"{where}: file should be {expected.relative_to(app.parent)}")
		if not (path.parent / f"{scrub(name)}.py").exists():
			problems.append(f"{where}: controller {scrub(name)}.py is missing")
		fields = _fields(dt)
		if len(fields) != len(dt.get("fields", [])):
			problems.append(f"{where}: duplicate fieldnames")
		if dt.get("field_order") and dt["field_order"] != [f["fieldname"] for f in dt["fields"]]:
			problems.append(f"{where}: field_order does not match fields")
		for f in dt.get("fields", []):
			fn, ft, opts = f.get("fieldname", ""), f.get("fieldtype"), f.get("options")
			at = f"{where}.{fn}"
			if not re.fullmatch(r"[a-z][a-z0-9_]*", fn):
				problems.append(f"{at}: fieldname must be lower_snake_case")
			if ft not in ref.fieldtypes:
				problems.append(f"{at}: invalid fieldtype {ft!r}")
			if ft in ("Link", "Table", "Table MultiSelect"):
				if not opts:
					problems.append(f"{at}: {ft} needs options")
				elif not resolves(opts):
					problems.append(
						f"{at}: {ft} to {opts!r}, which is neither a doctype of this app nor of frappe"
					)
				elif ft != "Link" and not doctypes.get(opts, {}).get("istable"):
					problems.append(f"{at}: {ft} options {opts!r} must be a child doctype of this app")
			problems += default_leak(at, f)
			if ft == "Dynamic Link":
				src = fields.get(opts or "")
				if not src or src.get("fieldtype") != "Link" or src.get("options") != "DocType":
					problems.append(f"{at}: Dynamic Link options must name a Link-to-DocType field of {name}")
			if ft == "Select" and not opts and not f.get("read_only"):
				problems.append(f"{at}: Select without options")
			for key in ("depends_on", "mandatory_depends_on", "read_only_depends_on"):
				for ref_name in _depends_names(f.get(key) or ""):
					if ref_name not in fields and ref_name not in STANDARD_FIELDS:
						problems.append(f"{at}: {key} names unknown field {ref_name!r}")
			if f.get("fetch_from"):
				problems += _check_fetch(at, f["fetch_from"], fields, doctypes, ref)
		for key in ("title_field", "sender_field", "subject_field"):
			if dt.get(key) and dt[key] not in fields:
				problems.append(f"{where}: {key} {dt[key]!r} is not a field")
		for sf in filter(None, (s.strip() for s in (dt.get("search_fields") or "").split(","))):
			if sf not in fields:
				problems.append(f"{where}: search_fields names unknown field {sf!r}")
		if (
			dt.get("sort_field")
			and dt["sort_field"] not in fields
			and dt["sort_field"] not in STANDARD_FIELDS
		):
			problems.append(f"{where}: sort_field {dt['sort_field']!r} is not a field")
		if not dt.get("istable") and not dt.get("permissions"):
			problems.append(f"{where}: no permission rules")
	return problems


def _check_fetch(at, fetch_from, fields, doctypes, ref) -> list[str]:
	if fetch_from.count(".") != 1:
		return [f"{at}: fetch_from {fetch_from!r} must be link_field.target_field"]
	link_field, target = fetch_from.split(".")
	src = fields.get(link_field)
	if not src or src.get("fieldtype") != "Link":
		return [f"{at}: fetch_from {fetch_from!r}: {link_field!r} is not a Link field"]
	linked = src.get("options")
	if linked in doctypes:
		if target not in _fields(doctypes[linked]) and target not in STANDARD_FIELDS:
			return [f"{at}: fetch_from {fetch_from!r}: {linked} has no field {target!r}"]
	elif (
		linked in ref.foreign_fields
		and target not in ref.foreign_fields[linked]
		and target not in STANDARD_FIELDS
	):
		return [f"{at}: fetch_from {fetch_from!r}: {linked} has no field {target!r}"]
	return []


def check_custom_fields(ref: Reference, custom_fields: dict, app: Path = APP) -> list[str]:
	"""Custom field definitions: valid types, options resolvable on a site holding that app, and
	insert_after naming a real field of the target doctype."""
	problems = []
	doctypes = load_doctypes(app)
	for needs_app, per_doctype in custom_fields.items():
		for doctype, defs in per_doctype.items():
			own = doctype in doctypes
			if not own and ref.app_of(doctype) != needs_app:
				problems.append(
					f"custom fields for {needs_app} target {doctype!r}, a doctype of {ref.app_of(doctype)}"
				)
			existing = set(_fields(doctypes[doctype])) if own else set(ref.foreign_fields.get(doctype, {}))
			names = [d["fieldname"] for d in defs]
			for df in defs:
				at = f"{doctype}.{df['fieldname']} ({needs_app})"
				if not own and not df["fieldname"].startswith("itil_"):
					problems.append(f"{at}: fields on other apps' doctypes are prefixed itil_")
				if df.get("fieldtype") not in ref.fieldtypes:
					problems.append(f"{at}: invalid fieldtype {df.get('fieldtype')!r}")
				problems += default_leak(at, df)
				if df.get("fieldtype") in ("Link", "Table", "Table MultiSelect"):
					opts = df.get("options")
					if not (opts in doctypes or ref.app_of(opts) in ("frappe", needs_app)):
						problems.append(
							f"{at}: options {opts!r} is not available where {needs_app} is installed"
						)
				after = df.get("insert_after")
				if after and after not in existing and after not in names:
					problems.append(f"{at}: insert_after {after!r} is not a field of {doctype}")
	return problems


def _dotted_strings(node) -> list[str]:
	found = []
	for sub in ast.walk(node):
		if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
			if re.fullmatch(r"itil_crm(\.[A-Za-z_][A-Za-z0-9_]*)+", sub.value):
				found.append(sub.value)
	return found


def _defines(module_file: Path, name: str) -> bool:
	tree = ast.parse(module_file.read_text())
	for node in tree.body:
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
			return True
	return False


def resolve_dotted(dotted: str, root: Path = ROOT) -> str | None:
	"""None when ``dotted`` names a function defined in the package, else the reason it does not."""
	*mod, func = dotted.split(".")
	base = root.joinpath(*mod)
	for candidate in (base.with_suffix(".py"), base / "__init__.py"):
		if candidate.exists():
			return (
				None
				if _defines(candidate, func)
				else f"{dotted}: {candidate.name} defines no function {func}"
			)
	return f"{dotted}: no module {'.'.join(mod)}"


def check_hooks(hooks_file: Path = APP / "hooks.py", root: Path = ROOT) -> list[str]:
	problems = []
	tree = ast.parse(hooks_file.read_text())
	for dotted in _dotted_strings(tree):
		reason = resolve_dotted(dotted, root)
		if reason:
			problems.append(f"hooks.py: {reason}")
	for sub in ast.walk(tree):
		if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value.startswith("public/"):
			if not (hooks_file.parent / sub.value).exists():
				problems.append(f"hooks.py: asset {sub.value} does not exist")
	return problems


def check_dashboards(app: Path = APP) -> list[str]:
	"""Connections (``*_dashboard.py``) may only name doctypes of this app."""
	problems = []
	doctypes = load_doctypes(app)
	for path in app.glob("*/doctype/*/*_dashboard.py"):
		for name in re.findall(r'"(ITIL [^"]+)"', path.read_text()):
			if name not in doctypes:
				problems.append(f"{path.name}: unknown doctype {name!r}")
	return problems
