import csv
import re

import pytest
from app_checks import APP


def test_french_translations_are_well_formed():
	rows = list(csv.reader((APP / "translations" / "fr.csv").open(encoding="utf-8")))
	assert len(rows) > 50
	sources = [r[0] for r in rows]
	assert len(sources) == len(set(sources)), "a source string is translated twice"
	for row in rows:
		assert len(row) == 2 and row[1].strip(), row
		assert sorted(re.findall(r"\{\d\}", row[0])) == sorted(re.findall(r"\{\d\}", row[1])), row


def test_every_lifecycle_status_is_translated():
	from itil_crm.engines.lifecycle import LIFECYCLES

	sources = {r[0] for r in csv.reader((APP / "translations" / "fr.csv").open(encoding="utf-8"))}
	missing = {s for lc in LIFECYCLES.values() for s in lc.states} - sources
	assert not missing, missing


def test_every_user_visible_string_has_a_french_translation():
	"""Labels, options, descriptions, messages (`_()`, `__()`), report columns, workspace, number
	cards, charts, print formats and onboarding: each in fr.csv."""
	from user_strings import missing_french, user_strings

	assert len(user_strings()) > 900  # the extractor reads the app, not an empty tree
	missing = missing_french()
	assert not missing, "\n".join(f"{s!r} ({sorted(w)[0]})" for s, w in sorted(missing.items()))


def test_the_extractor_finds_each_kind_of_string(tmp_path):
	"""Each source the completeness test relies on is really read: a new string in any of them shows
	up as missing."""
	import json

	from user_strings import missing_french

	dt = tmp_path / "module" / "doctype" / "itil_thing"
	dt.mkdir(parents=True)
	(dt / "itil_thing.json").write_text(
		json.dumps(
			{
				"doctype": "DocType",
				"name": "ITIL Thing",
				"fields": [
					{
						"fieldname": "a",
						"fieldtype": "Select",
						"label": "Zeta Label",
						"options": "Zeta One\nZeta Two",
					},
					{"fieldname": "b", "fieldtype": "Data", "description": "Zeta help"},
					{"fieldname": "naming_series", "fieldtype": "Select", "options": "ZT-.YYYY.-"},
				],
			}
		)
	)
	(dt / "itil_thing.py").write_text('from frappe import _\nmsg = _("Zeta message {0}").format(1)\n')
	(dt / "itil_thing.js").write_text('frappe.msgprint(__("Zeta \\"quoted\\" alert", [x]));\n')
	(tmp_path / "card.json").write_text(json.dumps({"doctype": "Number Card", "label": "Zeta Card"}))
	(tmp_path / "pf.json").write_text(
		json.dumps(
			{"doctype": "Print Format", "name": "Zeta Print", "html": "<b>{{ _('Zeta heading') }}</b>"}
		)
	)
	found = set(missing_french(tmp_path))
	expected = {
		"ITIL Thing",
		"Zeta Label",
		"Zeta One",
		"Zeta Two",
		"Zeta help",
		"Zeta message {0}",
		'Zeta "quoted" alert',
		"Zeta Card",
		"Zeta Print",
		"Zeta heading",
	}
	assert expected <= found, expected - found
	assert "ZT-.YYYY.-" not in found  # a naming series is not words


@pytest.mark.parametrize(
	"english, french",
	[
		("known error", "erreur(s)? connue"),
		("configuration item", "éléments? de configuration"),
		("service level", "niveaux? de service"),
		("problem", "problème"),
		("incident", "incident"),
		("go-live", "mises? en production"),
		("workaround", "contournement"),
	],
)
def test_the_itil_vocabulary_is_kept(english, french):
	"""R12: one French word for each ITIL term, wherever the English one appears."""
	from user_strings import french as translations

	off = {
		s: t
		for s, t in translations().items()
		if re.search(rf"\b{english}s?\b", s, re.I) and not re.search(french, t, re.I)
	}
	assert not off, off


def test_the_seeded_records_are_translated():
	"""The records seeded at install whose doctype translates its links (priorities, impacts,
	urgencies, channels, CI types and relationship types) read in French in the desk."""
	from user_strings import french, load_doctype_names_translated

	from itil_crm.setup import default_data

	names = (
		[p[0] for p in default_data.PRIORITIES]
		+ [i[0] for i in default_data.IMPACTS + default_data.URGENCIES + default_data.CHANNELS]
		+ default_data.CI_TYPES
		+ [name for r in default_data.CI_RELATIONSHIP_TYPES for name in r[:2]]
	)
	assert not set(names) - set(french()), set(names) - set(french())
	assert load_doctype_names_translated() >= {
		"ITIL Priority",
		"ITIL Impact",
		"ITIL Urgency",
		"ITIL Channel",
		"ITIL CI Type",
		"ITIL CI Relationship Type",
	}
