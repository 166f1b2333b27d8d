import csv
import re

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
