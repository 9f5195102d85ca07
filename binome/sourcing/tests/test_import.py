"""The spreadsheet import: encodings, separators, XLSX, errors, idempotence, template, dry run."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from binome.audit.models import AuditEvent
from binome.people.models import Person
from binome.sourcing.importing import import_referrals, template_bytes
from binome.sourcing.models import Consent, Referral, ReferralTransition
from binome.sourcing.tests.importing_helpers import (
    HEADERS_FR,
    csv_bytes,
    ensure_consent_text,
    example_row,
    xlsx_bytes,
)
from conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_consent_text(db: Any) -> Any:
    ensure_consent_text()
    with translation.override("en"):
        yield


def run(cast: Cast, data: bytes, name: str = "referrals.csv", **kwargs: Any) -> Any:
    return import_referrals(data, name, partner=cast.paris_ngo, actor=None, **kwargs)


def imported_people() -> Any:
    return Person.objects.filter(referrals__source=Referral.Source.IMPORT)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("cp1252", ","), ("utf-8", "\t")],
)
def test_csv_is_read_in_every_encoding_and_separator_partners_send(cast: Cast, encoding: str, delimiter: str) -> None:
    rows = [example_row(i) for i in range(1, 6)]
    rows[0]["first_name"] = "Aïcha"
    rows[0]["reason"] = "Réfugiée, cherche un CDI ; « urgent »"
    result = run(cast, csv_bytes(rows, encoding=encoding, delimiter=delimiter))
    assert result.errors == []
    assert result.summary() == "created 5, updated 0, skipped 0"
    aicha = imported_people().get(email=rows[0]["email"])
    assert aicha.first_name == "Aïcha"
    assert aicha.referrals.get().reason == "Réfugiée, cherche un CDI ; « urgent »"


def test_an_xlsx_file_with_real_date_cells_imports(cast: Cast) -> None:
    rows = [example_row(i) for i in range(1, 5)]
    result = run(cast, xlsx_bytes(rows), "referrals.xlsx")
    assert result.errors == []
    assert result.created == 4
    person = imported_people().get(email=rows[1]["email"])
    assert person.date_of_birth.isoformat() == rows[1]["date_of_birth"]


def test_an_imported_row_becomes_a_full_mentee_file_with_consent_referral_and_history(cast: Cast) -> None:
    row = example_row(7) | {
        "country_of_origin": "Érythrée",
        "protection_status": "protection subsidiaire",
        "home": "Saint-Denis 93200",
        "target_occupations": "K2204, G1602",
        "languages": "ti:native|ar:A2",
        "available_six_months": "oui",
        "right_to_work": "non",
        "gender": "femme",
    }
    run(cast, csv_bytes([row]))
    person = imported_people().get()
    profile = person.mentee_profile
    assert (person.country_of_origin, person.gender) == ("ER", "female")
    assert person.name_key == Person.name_key_for(row["first_name"], row["last_name"])
    assert (profile.protection_status, profile.right_to_work, profile.available_six_months) == (
        "subsidiary",
        False,
        True,
    )
    assert profile.home_id == 2980916  # Saint-Denis, Île-de-France
    assert set(profile.target_occupations.values_list("code", flat=True)) == {"K2204", "G1602"}
    assert dict(person.languages.values_list("language_id", "level")) == {"ti": "native", "ar": "A2"}
    consent = person.consents.get()
    assert consent.method == Consent.Method.PARTNER_ATTESTATION
    referral = person.referrals.get()
    assert (referral.partner, referral.status, referral.referrer_name) == (cast.paris_ngo, "received", "Farah Benali")
    transition = ReferralTransition.objects.get(referral=referral)
    assert (transition.from_status, transition.to_status, transition.actor) == ("", "received", None)
    created = AuditEvent.objects.get(target_type="people.person", target_id=str(person.pk), verb="created")
    assert (created.actor, created.details) == (None, {"source": "import"})
    imported = AuditEvent.objects.get(verb="imported")
    assert imported.details == {"created": 1, "updated": 0, "skipped": 0}


def test_english_headers_are_accepted_too(cast: Cast) -> None:
    english = ["first_name", "Last name", "Date of birth", "gender", "Email", "phone", "Country of origin",
               "protection status", "Right to work", "arrival date", "French level", "home town",
               "target ROME codes", "other languages", "available six months", "referral reason", "consent date",
               "referrer name", "referrer email"]  # fmt: skip
    result = run(cast, csv_bytes([example_row(3)], headers=english, delimiter=","))
    assert result.errors == []
    assert result.created == 1


def test_five_thousand_rows_import_in_one_go(cast: Cast) -> None:
    rows = [example_row(i) for i in range(5000)]
    result = run(cast, csv_bytes(rows))
    assert result.errors == []
    assert result.created == 5000
    assert imported_people().count() == 5000
    assert ReferralTransition.objects.filter(referral__source=Referral.Source.IMPORT).count() == 5000


def test_one_bad_row_among_many_saves_nothing_and_names_line_column_and_reason(cast: Cast, tmp_path: Any) -> None:
    rows = [example_row(i) for i in range(300)]
    rows[141]["date_of_birth"] = "31/02/1990"
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_referrals", str(path), "--partner", "paris-ngo", stderr=err, stdout=io.StringIO())
    assert exit_info.value.code == 1
    assert "line 143, column date de naissance (C)" in err.getvalue()  # header is line 1, rows start at 2
    assert "is not a date" in err.getvalue()
    assert imported_people().count() == 0
    assert not Consent.objects.exists()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(cast: Cast, tmp_path: Any) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([example_row(i) for i in range(40)]))
    first, second = io.StringIO(), io.StringIO()
    call_command("import_referrals", str(path), "--partner", "paris-ngo", stdout=first)
    call_command("import_referrals", str(path), "--partner", "paris-ngo", stdout=second)
    assert first.getvalue().strip() == "created 40, updated 0, skipped 0"
    assert second.getvalue().strip() == "created 0, updated 0, skipped 40"
    assert imported_people().count() == 40
    assert Referral.objects.filter(source=Referral.Source.IMPORT).count() == 40


def test_a_row_bringing_new_values_updates_the_known_person(cast: Cast) -> None:
    rows = [example_row(i) for i in range(1, 4)]
    run(cast, csv_bytes(rows))
    rows[1]["french_level"] = "C1" if rows[1]["french_level"] != "C1" else "A1"
    rows[1]["phone"] = rows[1]["phone"].replace(" ", "").replace("06", "+336", 1)  # same number, other format
    result = run(cast, csv_bytes(rows))
    assert result.summary() == "created 0, updated 1, skipped 2"
    [updated] = [row for row in result.rows if row.action == "update"]
    assert updated.changed == ["french_level"]
    person = imported_people().get(email=rows[1]["email"])
    assert person.mentee_profile.french_level == rows[1]["french_level"]
    assert person.referrals.count() == 1


def test_the_same_person_from_another_partner_is_created_and_flagged_as_a_possible_duplicate(cast: Cast) -> None:
    row = example_row(5)
    import_referrals(csv_bytes([row]), "a.csv", partner=cast.paris_ngo, actor=None)
    other = cast.paris_ngo.__class__.objects.create(
        name="Cimade Paris", slug="cimade", kind="ngo", territory=cast.paris
    )
    result = import_referrals(csv_bytes([row]), "a.csv", partner=other, actor=None)
    assert result.created == 1
    assert len(result.rows[0].possible_duplicates) == 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_imports_cleanly(cast: Cast, kind: str, tmp_path: Any) -> None:
    path = tmp_path / f"template.{kind}"
    call_command("import_referrals", "--template", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_referrals", str(path), "--partner", "paris-ngo", stdout=out)
    assert out.getvalue().strip() == "created 1, updated 0, skipped 0"
    assert template_bytes(kind) == path.read_bytes() or kind == "xlsx"  # XLSX embeds a timestamp


def test_a_dry_run_saves_nothing(cast: Cast, tmp_path: Any) -> None:
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([example_row(i) for i in range(10)]))
    out = io.StringIO()
    call_command("import_referrals", str(path), "--partner", "paris-ngo", "--dry-run", stdout=out)
    assert "created 10, updated 0, skipped 0" in out.getvalue()
    assert imported_people().count() == 0
    assert not AuditEvent.objects.filter(verb="imported").exists()


def errors_for(cast: Cast, **changes: str) -> list[str]:
    result = run(cast, csv_bytes([example_row(1) | changes]))
    assert imported_people().count() == 0
    return [f"{error.column}: {error.message}" for error in result.errors]


def test_an_ambiguous_place_is_an_error_naming_the_candidates(cast: Cast) -> None:
    [message] = errors_for(cast, home="Montreuil")
    assert "Several places" in message
    assert "2992090" in message
    assert "Hauts-de-France" in message


def test_a_postcode_or_a_geonames_id_settles_an_ambiguous_place(cast: Cast) -> None:
    rows = [example_row(1) | {"home": "Montreuil 93100"}, example_row(2) | {"home": "Montreuil (2992061)"}]
    result = run(cast, csv_bytes(rows))
    assert result.errors == []
    homes = sorted(imported_people().values_list("mentee_profile__home_id", flat=True))
    assert homes == [2992061, 2992090]


def test_an_unknown_place_is_an_error(cast: Cast) -> None:
    assert errors_for(cast, home="Atlantis") == ["commune: Unknown place “Atlantis”."]


@pytest.mark.parametrize(
    ("codes", "reason"),
    [
        ("K9999", "Unknown ROME code"),
        ("K22", "is not a ROME code"),
        ("astronaute lunaire", "No ROME occupation is called"),
        ("K2204|G1602|N1103|M1805", "At most"),
    ],
)
def test_bad_rome_codes_are_errors(cast: Cast, codes: str, reason: str) -> None:
    [message] = errors_for(cast, target_occupations=codes)
    assert message.startswith("codes rome:")
    assert reason in message


@pytest.mark.parametrize("value", ["31/02/1990", "1990-13-01", "hier", "12/12/2099"])
def test_bad_dates_are_errors(cast: Cast, value: str) -> None:
    messages = errors_for(cast, date_of_birth=value)
    assert messages[0].startswith("date de naissance:")


def test_a_missing_consent_date_is_an_error(cast: Cast) -> None:
    [message] = errors_for(cast, consent_date="")
    assert message.startswith("date du consentement: Required")


def test_a_missing_required_column_is_reported_once(cast: Cast) -> None:
    headers = [h if h != "date du consentement" else "divers" for h in HEADERS_FR]
    result = run(cast, csv_bytes([example_row(i) for i in range(5)], headers=headers))
    assert [(e.line, e.column) for e in result.errors] == [(1, "consent date")]
    assert any("divers" in warning for warning in result.warnings)


def test_two_rows_for_the_same_person_are_an_error(cast: Cast) -> None:
    first = example_row(1)
    second = example_row(2) | {"email": first["email"].upper()}
    result = run(cast, csv_bytes([first, second]))
    assert [(e.line, e.message) for e in result.errors] == [(3, "The same person as on line 2.")]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("junk.csv", bytes(range(256)) * 40),
        ("junk.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100),
        ("junk.xlsx", b"not a zip at all"),
        ("old.xls", b"\xd0\xcf\x11\xe0"),
        ("empty.csv", b""),
        ("blank.csv", b"\r\n\r\n"),
        ("header-only.csv", ";".join(HEADERS_FR).encode()),
        ("huge-cell.csv", (";".join(HEADERS_FR) + "\n" + "x" * 300_000 + ";B\n").encode()),
        ("quote.csv", (";".join(HEADERS_FR) + '\n"unterminated;B\n').encode()),
    ],
)
def test_garbage_files_are_refused_with_a_reason_never_a_crash(cast: Cast, name: str, data: bytes) -> None:
    result = run(cast, data, name)
    assert result.errors
    assert all(error.message for error in result.errors)
    assert imported_people().count() == 0


def test_a_long_cell_within_the_csv_limit_is_reported_on_its_row(cast: Cast) -> None:
    [message] = errors_for(cast, first_name="A" * 5000)
    assert message.startswith("prénom: Too long")


def test_an_unknown_partner_slug_is_a_command_error(cast: Cast, tmp_path: Any) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([example_row(1)]))
    with pytest.raises(CommandError):
        call_command("import_referrals", str(path), "--partner", "nope")


def test_the_workbook_reader_reads_what_openpyxl_reads() -> None:
    import datetime

    from openpyxl import Workbook, load_workbook

    from binome.sourcing.importing.reading import read_workbook

    def read_with_openpyxl(data: bytes) -> tuple[list[str], list[tuple[int, list[object]]]]:
        """The reference: openpyxl's values, blank rows and trailing empty cells left out; a date
        cell is a date (openpyxl says midnight of that day)."""
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [
                c.date() if isinstance(c, datetime.datetime) and c.time() == datetime.time() else c for c in values
            ]
            while cells and cells[-1] is None:
                cells.pop()
            if cells and not all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                rows.append((line, cells))
        return ["" if c is None else str(c).strip() for c in rows[0][1]], rows[1:]

    def trimmed(rows: list[tuple[int, list[object]]]) -> list[tuple[int, list[object]]]:
        result = []
        for line, values in rows:
            cells = list(values)
            while cells and cells[-1] is None:
                cells.pop()
            result.append((line, cells))
        return result

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["prénom", "date de naissance", "téléphone", "oui/non", "formule"])
    sheet.append(["Aïcha", datetime.date(1990, 3, 4), 612345678, True, "=1+1"])
    sheet.append([None, None, 3.5])
    sheet["C6"] = "seul"
    buffer = io.BytesIO()
    workbook.save(buffer)
    for data in (buffer.getvalue(), xlsx_bytes([example_row(i) for i in range(20)]), template_bytes("xlsx")):
        fast, (headers, rows) = read_workbook(data), read_with_openpyxl(data)
        assert (fast.headers, trimmed(fast.rows)) == (headers, rows)  # type: ignore[arg-type]
