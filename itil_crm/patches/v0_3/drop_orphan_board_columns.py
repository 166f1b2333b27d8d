"""Before 0.3.1 a deleted or renamed support group left its column on the board of incidents by support
group; the empty columns are removed. Idempotent: a second run finds none."""

from itil_crm.service_desk.boards import drop_orphan_group_columns


def execute():
	drop_orphan_group_columns()
