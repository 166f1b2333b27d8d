"""Incident numbers from the year's sequence: consecutive, no write to the naming series' shared row,
caught up past numbers the naming series gave meanwhile, made ahead for the next year
(incident_management/numbers.py)."""

import frappe
from frappe.tests.utils import FrappeTestCase

from itil_crm.incident_management import numbers
from itil_crm.tests.utils import make_incident


def number_of(name: str) -> int:
	return int(name.rsplit("-", 1)[1])


class TestIncidentNumbers(FrappeTestCase):
	def setUp(self):
		numbers.ensure_sequences()
		self.year = int(frappe.utils.nowdate()[:4])

	def series(self) -> int:
		return int(frappe.db.get_value("Series", numbers.prefix(self.year), "current", order_by="name") or 0)

	def test_incidents_are_numbered_from_the_sequence_without_writing_the_series_row(self):
		before = self.series()
		first, second = make_incident(), make_incident()
		self.assertTrue(first.name.startswith(numbers.prefix(self.year)), first.name)
		self.assertEqual(len(first.name.rsplit("-", 1)[1]), numbers.DIGITS)
		self.assertEqual(number_of(second.name), number_of(first.name) + 1)
		self.assertEqual(self.series(), before)  # the row every create used to queue on is not written

	def test_the_sequences_of_this_year_and_the_next_exist_and_making_them_again_changes_nothing(self):
		self.assertLessEqual({self.year, self.year + 1}, numbers.years_with_sequences())
		self.assertEqual(numbers.ensure_sequences(), [])

	def test_a_number_the_naming_series_gave_meanwhile_is_skipped(self):
		# an older worker, during an upgrade, still numbered through the naming series
		last = number_of(make_incident().name)
		taken = f"{numbers.prefix(self.year)}{last + 1:0{numbers.DIGITS}d}"
		frappe.get_doc(
			{
				"doctype": "ITIL Incident",
				"subject": "_Test numbered by the series",
				"impact": "Medium",
				"urgency": "Medium",
			}
		).insert(set_name=taken)
		following = make_incident()
		self.assertGreater(number_of(following.name), last + 1)
		self.assertNotEqual(following.name, taken)

	def test_a_year_without_its_sequence_is_left_to_the_naming_series(self):
		self.assertNotIn(1999, numbers.years_with_sequences())
		self.assertIsNone(numbers.next_name(frappe._dict(naming_series="OTHER-.YYYY.-")))
