"""One source for the option lists the app's doctypes share: the Select options in the doctype JSON are the
vocabulary of the engines (a JSON file cannot import it; this test keeps the copies equal)."""

from app_checks import load_doctypes

from itil_crm.engines.lifecycle import LIFECYCLES
from itil_crm.engines.warranty import OPTION_LISTS


def option_problems(doctypes: dict, lists: dict) -> list[str]:
	problems = []
	for (doctype, fieldname), words in lists.items():
		fields = {f["fieldname"]: f for f in doctypes.get(doctype, {}).get("fields", [])}
		if fieldname not in fields:
			problems.append(f"{doctype}.{fieldname}: no such field")
			continue
		options = tuple((fields[fieldname].get("options") or "").split("\n"))
		if options != tuple(words):
			problems.append(f"{doctype}.{fieldname}: options {options} are not the vocabulary {tuple(words)}")
	return problems


def test_shared_option_lists_are_the_engines_vocabulary():
	assert option_problems(load_doctypes(), OPTION_LISTS) == []


def test_a_diverging_copy_is_caught():
	doctypes = load_doctypes()
	for f in doctypes["ITIL Go-Live Checklist Item"]["fields"]:
		if f["fieldname"] == "category":
			f["options"] = f["options"].replace("Training", "Trainings")
	problems = option_problems(doctypes, OPTION_LISTS)
	assert len(problems) == 1 and problems[0].startswith("ITIL Go-Live Checklist Item.category: options")


def test_lifecycle_statuses_are_the_status_options():
	"""The status Select of each record with a lifecycle lists exactly the lifecycle's states."""
	doctypes = load_doctypes()
	for name, doctype in (
		("Incident", "ITIL Incident"),
		("Problem", "ITIL Problem"),
		("Change", "ITIL Change"),
		("Go-Live", "ITIL Go-Live"),
	):
		status = next(f for f in doctypes[doctype]["fields"] if f["fieldname"] == "status")
		assert set(status["options"].split("\n")) - {""} == set(LIFECYCLES[name].states), doctype
