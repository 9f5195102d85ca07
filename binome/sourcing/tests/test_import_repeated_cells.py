"""A file repeats its statuses, levels, towns and languages from row to row; the import parses
each distinct cell once, and every row still gets its own values and its own errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from binome.people.models import Person, PersonLanguage
from binome.sourcing.importing import import_referrals
from binome.sourcing.models import Referral
from binome.sourcing.tests.importing_helpers import csv_bytes, ensure_consent_text, example_row, xlsx_bytes
from conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_consent_text(db: Any) -> Any:
    ensure_consent_text()
    with translation.override("en"):
        yield


def test_a_bad_cell_repeated_on_several_rows_is_reported_on_each_of_them(cast: Cast) -> None:
    rows = [example_row(i) for i in range(1, 7)]
    for index in (0, 2, 5):
        rows[index]["country_of_origin"] = "Atlantide"
    for index in (1, 2):
        rows[index]["arrival_date"] = "31/02/2019"
    result = import_referrals(csv_bytes(rows), "r.csv", partner=cast.paris_ngo, actor=None)
    country = [(e.line, e.message) for e in result.errors if e.letter == "G"]
    arrival = [(e.line, e.message) for e in result.errors if e.letter == "J"]
    assert [line for line, _message in country] == [2, 4, 7]  # rows start on line 2
    assert len({message for _line, message in country}) == 1
    assert "Atlantide" in country[0][1]
    assert [line for line, _message in arrival] == [3, 4]
    assert "is not a date" in arrival[0][1]
    assert not Person.objects.filter(referrals__source=Referral.Source.IMPORT).exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_sharing_cells_each_get_the_values_those_cells_say(cast: Cast, kind: str) -> None:
    rows = [example_row(i) for i in range(1, 5)]
    for row in rows:
        row |= {
            "target_occupations": "K2204|G1602",
            "languages": "ti:native|ar:A2",
            "home": "Saint-Denis 93200",
            "protection_status": "protection subsidiaire",
            "french_level": "B1",
        }
    rows[3]["languages"] = "uk:native"
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    result = import_referrals(data, f"r.{kind}", partner=cast.paris_ngo, actor=None)
    assert result.errors == []
    assert result.created == 4
    people = Person.objects.filter(referrals__source=Referral.Source.IMPORT).order_by("pk")
    for person, row in zip(people, rows, strict=True):
        profile = person.mentee_profile
        assert sorted(profile.target_occupations.values_list("code", flat=True)) == ["G1602", "K2204"]
        assert profile.protection_status == "subsidiary"
        assert profile.french_level == "B1"
        assert profile.home.name == "Saint-Denis"
        expected = {"uk": "native"} if row is rows[3] else {"ti": "native", "ar": "A2"}
        assert dict(PersonLanguage.objects.filter(person=person).values_list("language_id", "level")) == expected
