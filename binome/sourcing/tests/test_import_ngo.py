"""An import in the NGO's language: its headers, nationalities, language names, levels, statuses and
job titles; workbooks in every format and date system; names whose letters were lost."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.utils import translation

from binome.people.models import Person
from binome.sourcing.importing import import_referrals
from binome.sourcing.importing.reading import read_table
from binome.sourcing.models import Referral
from binome.sourcing.tests.importing_helpers import csv_bytes, ensure_consent_text, example_row
from binome.sourcing.tests.ngo_spreadsheet import BAD_KINDS, bad_lines, expected, ngo_spreadsheet, ngo_spreadsheet_xls
from conftest import Cast


def _dates_of_birth(data: bytes, name: str = "ngo.xlsx") -> list[Any]:
    table = read_table(data, name)
    return [cells[table.headers.index("Date de naissance")] for _line, cells in table.rows]


def test_a_1904_workbook_keeps_its_dates() -> None:
    """Old Mac Excel counts days from 1904: 1990-05-17 must not come back four years early."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = Workbook()
    workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Prénom", "Date de naissance"])
    sheet.append(["Amina", datetime.date(1990, 5, 17)])
    sheet["B2"].number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _dates_of_birth(buffer.getvalue()) == [datetime.date(1990, 5, 17)]
    assert _dates_of_birth(ngo_spreadsheet(rows=5, date1904=True)) == [expected(i)["date_of_birth"] for i in range(5)]


@pytest.mark.django_db
def test_an_old_excel_xls_file_imports_like_the_xlsx(cast: Cast) -> None:
    """Excel 97-2003 (.xls, an OLE file, not a zip): the same 80 rows, dates as date cells."""
    data = ngo_spreadsheet_xls()
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # really the old binary format
    assert _dates_of_birth(data, "orientations.xls")[:5] == [expected(i)["date_of_birth"] for i in range(5)]
    ensure_consent_text()
    result = import_referrals(data, "orientations.xls", partner=cast.paris_ngo, actor=None)
    assert result.errors == []
    assert result.created == 80
    imported = {p.phone: p for p in Person.objects.filter(referrals__source=Referral.Source.IMPORT)}
    want = expected(8)
    person = imported[want["phone"]]
    assert (person.first_name, person.date_of_birth) == (want["first_name"], want["date_of_birth"])
    assert person.mentee_profile.french_level == want["french_level"][1]


def test_ods_files_are_read() -> None:
    """LibreOffice's format, with a date cell and the million empty rows it writes after the data."""
    import zipfile

    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Feuille1">'
        f"<table:table-row>{cell.format('Prénom')}{cell.format('Date de naissance')}</table:table-row>"
        f"<table:table-row>{cell.format('Amina')}"
        '<table:table-cell office:value-type="date" office:date-value="1990-05-17"><text:p>17/05/1990</text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    assert _dates_of_birth(buffer.getvalue(), "liste.ods") == [datetime.date(1990, 5, 17)]


def test_a_sheet_that_would_fill_millions_of_cells_is_refused_before_it_is_read() -> None:
    """Two cells at opposite corners make a tiny file that calamine would lay out as a dense
    rectangle of 17 billion cells (the process aborts): refused from the cell references."""
    from openpyxl import Workbook

    from binome.sourcing.importing.reading import UnreadableFile

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Prénom"
    sheet["CV1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(UnreadableFile, match="more than"):
        read_table(buffer.getvalue(), "far.xlsx")


@pytest.mark.django_db
def test_the_ngos_own_spreadsheet_imports_80_people_in_its_own_words(cast: Cast) -> None:
    ensure_consent_text()
    result = import_referrals(ngo_spreadsheet(), "orientations.xlsx", partner=cast.paris_ngo, actor=None)
    assert result.errors == []
    assert result.created == 80
    people = {p.phone: p for p in Person.objects.filter(referrals__source=Referral.Source.IMPORT)}
    assert sum(1 for p in people.values() if not p.email) == 8  # one in ten without email
    for index in (0, 5, 7, 8, 9):  # afghane, RDC, no email, Syrienne with levels in brackets, ukrainienne
        want = expected(index)
        person = people[want["phone"]]
        assert person.email == want["email"]
        assert person.country_of_origin.code == want["country_of_origin"]
        assert dict(person.languages.values_list("language_id", "level")) == want["languages"]
        profile = person.mentee_profile
        assert profile.protection_status == want["protection_status"][1]
        assert profile.french_level == want["french_level"][1]
        assert list(profile.target_occupations.values_list("code", flat=True)) == [want["job"][1]]
        assert person.date_of_birth == want["date_of_birth"]


@pytest.mark.django_db
def test_five_bad_rows_are_each_reported_and_nothing_is_saved(cast: Cast) -> None:
    ensure_consent_text()
    with translation.override("en"):
        result = import_referrals(ngo_spreadsheet(bad=5), "orientations.xlsx", partner=cast.paris_ngo, actor=None)
    assert [error.line for error in result.errors] == bad_lines(5)
    messages = [f"{error.column}: {error.message}" for error in result.errors]
    assert messages[0] == "Prénom: Required."
    assert "31/02/1990" in messages[1]
    assert "Atlantide" in messages[2]
    assert "klingon" in messages[3]
    assert "Ab?ul" in messages[4]
    assert len(BAD_KINDS) == 5
    assert not Referral.objects.filter(source=Referral.Source.IMPORT).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first_name", "encoding"),
    [("Ab?ul", "cp1252"), ("RÃ©my", "utf-8"), ("Ah\ufffdmad", "utf-8")],
)
def test_a_name_whose_letters_were_lost_is_an_error_for_its_row(cast: Cast, first_name: str, encoding: str) -> None:
    ensure_consent_text()
    rows = [example_row(i) for i in range(1, 4)]
    rows[1]["first_name"] = first_name
    with translation.override("en"):
        result = import_referrals(
            csv_bytes(rows, encoding=encoding), "r.csv", partner=cast.paris_ngo, actor=None, dry_run=True
        )
    assert [(error.line, error.letter) for error in result.errors] == [(3, "A")]
    assert first_name in result.errors[0].message


@pytest.mark.django_db
def test_a_windows_1252_csv_keeps_its_accents(cast: Cast) -> None:
    ensure_consent_text()
    rows = [example_row(1) | {"first_name": "Aïcha", "last_name": "Traoré"}]
    result = import_referrals(csv_bytes(rows, encoding="cp1252"), "r.csv", partner=cast.paris_ngo, actor=None)
    assert result.errors == []
    assert Person.objects.filter(first_name="Aïcha", last_name="Traoré").exists()


@pytest.mark.django_db
def test_a_job_title_that_names_several_occupations_lists_them(cast: Cast) -> None:
    ensure_consent_text()
    rows = [example_row(1) | {"target_occupations": "Électricien"}]
    with translation.override("en"):
        result = import_referrals(csv_bytes(rows, encoding="utf-8"), "r.csv", partner=cast.paris_ngo, actor=None)
    [error] = result.errors
    assert "several ROME occupations" in error.message
    assert "F1602" in error.message
    assert "I1309" in error.message


@pytest.mark.django_db
def test_an_ambiguous_nationality_asks_for_the_country_in_the_users_language(cast: Cast) -> None:
    ensure_consent_text()
    rows = [example_row(1) | {"country_of_origin": "congolais"}]
    with translation.override("fr"):
        result = import_referrals(csv_bytes(rows, encoding="utf-8"), "r.csv", partner=cast.paris_ngo, actor=None)
    [error] = result.errors
    assert "Congo" in error.message
    assert "(CD)" in error.message
    assert "(CG)" in error.message
    assert "Democratic" not in error.message  # the country's French name, not the English one
