"""Move the SLA's customer-group scope to `sla_customer_group` and drop the values that leaked into it.

Why: ERPNext keeps a global default `customer_group` (set by its setup wizard and by Selling Settings,
"All Customer Groups" on most sites), and Frappe fills every new document's Link field *named*
`customer_group` from the global default of that name, on the server (`Document.insert`) and in the
form. Until 0.2 the agreement's scope field had that name, so on every ERPNext site the seeded
Standard SLA, the demo's agreements and each agreement created in the form or by an API were stored
as agreements of that group, and incidents without a customer got no SLA.

The field is now `sla_customer_group`, a name no app keeps a default for. This patch copies the
values that were chosen and leaves out those that were not. A value was not chosen when it is the
site's default customer group or the root of the customer group tree (what the leak writes) and:
- the agreement is an OLA or UC (the field is hidden for them: nobody could choose it), or
- the agreement is a default SLA (a default applies where no customer or group agreement does: a
  group there contradicts the Default tick, which is the one the admin set), or
- the agreement names a customer (a customer-specific agreement is selected by its customer: the
  group never mattered).
Any other value, including a non-default SLA scoped to the root group alone (an admin may have meant
"customers of that group"), is kept as it was. The old column and its Custom Field are then removed.

Idempotent: once the old column is gone it does nothing; a value already moved is not overwritten.
"""

import frappe

from itil_crm.integrations.apps import is_installed

DOCTYPE = "ITIL Service Agreement"
OLD, NEW = "customer_group", "sla_customer_group"


def execute():
	if not frappe.db.has_column(DOCTYPE, OLD):
		return
	rows = frappe.db.sql(
		f"""select name, agreement_type, is_default, customer, `{OLD}` as grp
		from `tab{DOCTYPE}` where ifnull(`{OLD}`, '') != ''""",
		as_dict=True,
	)
	kept, dropped = [], []
	if rows and is_installed("erpnext"):
		from itil_crm.setup.install import sync_custom_fields

		sync_custom_fields(apps=["erpnext"])  # creates the new field's column
		leaked = leaked_values()
		for row in rows:
			if row.grp in leaked and (row.agreement_type != "SLA" or row.is_default or row.customer):
				dropped.append(row.name)
				continue
			frappe.db.sql(
				f"update `tab{DOCTYPE}` set `{NEW}` = %s where name = %s and ifnull(`{NEW}`, '') = ''",
				(row.grp, row.name),
			)
			kept.append(row.name)
	if frappe.db.exists("Custom Field", f"{DOCTYPE}-{OLD}"):
		frappe.delete_doc("Custom Field", f"{DOCTYPE}-{OLD}", ignore_permissions=True, force=True)
	frappe.db.commit()
	frappe.db.sql_ddl(f"alter table `tab{DOCTYPE}` drop column `{OLD}`")
	frappe.clear_cache(doctype=DOCTYPE)
	print(
		f"ITIL Service Agreement scope: customer group kept on {len(kept)} ({', '.join(kept) or '-'}), "
		f"leaked default cleared on {len(dropped)} ({', '.join(dropped) or '-'})"
	)


def leaked_values() -> set[str]:
	values = {frappe.db.get_default(OLD)}
	if frappe.db.table_exists("Customer Group"):
		values |= set(
			frappe.get_all(
				"Customer Group", filters={"parent_customer_group": ["is", "not set"]}, pluck="name"
			)
		)
	return {v for v in values if v}
