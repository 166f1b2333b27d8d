"""Issue 23: known-error suggestions match the root cause and the workaround too; the known errors
indexed before get their terms again. Idempotent: the index is rebuilt from the known errors as they are."""

from itil_crm.problem_management.known_error_search import reindex_all


def execute():
	reindex_all()
