import pytest
from app_checks import Reference, reference_dir


@pytest.fixture(scope="session")
def ref() -> Reference:
	path = reference_dir()
	if path is None:
		pytest.skip(
			"reference data not found: set ITIL_CRM_REFERENCE or keep ../shared/reference beside the repo"
		)
	return Reference.load(path)
