"""Known errors written before 0.2 get their search terms (suggestions read ITIL Known Error Term).
Idempotent: the index is rebuilt from the known errors as they are."""

from itil_crm.problem_management.known_error_search import reindex_all


def execute():
	reindex_all()
