"""Backup and restore: the picture of a site's ITIL data before `bench backup`, compared with the site
restored from that backup (run by .ci/run with the bench's python from the bench's sites folder).

    ../env/bin/python restore_check.py snapshot <site> <file>
    ../env/bin/python restore_check.py compare <restored site> <file>

The picture: every ITIL table's row count and CHECKSUM TABLE (every record, link, child row and clock
column, byte for byte), the custom fields and property setters itil_crm added to other apps' doctypes,
the files attached to ITIL records (and that each one is on disk), and the Version history of ITIL
records. compare prints what differs and exits 1.
"""

import hashlib
import json
import os
import sys

import frappe


def picture() -> dict:
	tables = [t for t in frappe.db.get_tables() if t.startswith("tabITIL ")]
	checksums = {
		row[0].split(".", 1)[1]: row[1]
		for row in frappe.db.sql(f"checksum table {', '.join(f'`{t}`' for t in tables)}")
	}
	counts = {t: frappe.db.sql(f"select count(*) from `{t}`")[0][0] for t in tables}
	custom = frappe.get_all(
		"Custom Field",
		filters={"fieldname": ["like", "itil%"]},
		fields=["dt", "fieldname", "fieldtype", "options", "insert_after", "permlevel"],
		order_by="dt, fieldname",
	)
	setters = frappe.get_all(
		"Property Setter",
		filters={"doc_type": ["like", "ITIL %"]},
		fields=["doc_type", "field_name", "property", "value"],
		order_by="doc_type, field_name, property",
	)
	files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": ["like", "ITIL %"], "is_folder": 0},
		fields=["file_url", "is_private", "attached_to_doctype", "attached_to_name", "file_size"],
		order_by="file_url",
	)
	missing = [f.file_url for f in files if f.file_url and not os.path.exists(_path(f))]
	versions = frappe.db.sql(
		"select ref_doctype, docname, data from tabVersion where ref_doctype like 'ITIL %%' order by name"
	)
	return {
		"tables": {t: [counts[t], checksums[t]] for t in tables},
		"custom_fields": [list(r.values()) for r in custom],
		"property_setters": [list(r.values()) for r in setters],
		"files": [list(r.values()) for r in files],
		"files_missing_on_disk": missing,
		"versions": [len(versions), hashlib.sha256(json.dumps(versions, default=str).encode()).hexdigest()],
	}


def _path(file) -> str:
	folder = "private" if file.is_private else "public"
	return frappe.get_site_path(folder, "files", file.file_url.rsplit("/", 1)[-1])


def main(mode: str, site: str, path: str) -> int:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		now = picture()
		if mode == "snapshot":
			with open(path, "w") as f:
				json.dump(now, f, default=str)
			rows = sum(count for count, _ in now["tables"].values())
			print(
				f"{site}: {len(now['tables'])} ITIL tables, {rows} rows, {len(now['custom_fields'])} custom fields,"
				f" {len(now['files'])} files, {now['versions'][0]} versions"
			)
			return 0
		with open(path) as f:
			before = json.load(f)
		now = json.loads(json.dumps(now, default=str))
		problems = []
		for key in before:
			if isinstance(before[key], dict):
				problems += [
					f"{key} {t}: before {before[key].get(t)}, after {now[key].get(t)}"
					for t in sorted(set(before[key]) | set(now[key]))
					if before[key].get(t) != now[key].get(t)
				]
			elif before[key] != now[key]:
				problems.append(f"{key}: before {before[key]!r}\n   after {now[key]!r}")
		if now["files_missing_on_disk"]:
			problems.append(f"files not on disk: {now['files_missing_on_disk']}")
		for problem in problems:
			print("RESTORE:", problem[:2000])
		if not problems:
			print(f"{site}: every ITIL table, custom field, file and version is as it was")
		return 1 if problems else 0
	finally:
		frappe.destroy()


if __name__ == "__main__":
	sys.exit(main(*sys.argv[1:4]))
