"""Security audit of the spreadsheet import (issue #15): F6 scope, F7 denial of service, F13 NUL,
F14 control characters. Hostile files are built here, in the test."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from binome.people.models import Person
from binome.people.selectors import people_visible_to
from binome.sourcing.duplicates import duplicate_pairs
from binome.sourcing.importing import import_referrals
from binome.sourcing.models import Consent, Referral
from binome.sourcing.tests.importing_helpers import (
    HEADERS_FR,
    accept_columns,
    csv_bytes,
    ensure_consent_text,
    example_row,
    xlsx_bytes,
)
from conftest import Cast

pytestmark = pytest.mark.django_db

CHECK_TASK = "binome.sourcing.tasks.check_referral_import"


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.IMPORT_PENDING_DIR = tmp_path / "imports"
    ensure_consent_text()
    # The worker recycles database connections between tasks; inside a test transaction that
    # would close it (see binome/lib/tests/test_email_worker.py).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    with translation.override("en"):
        yield


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())


def read_and_map(client: Any, capture: Any, preview_url: str) -> None:
    """The worker reads the file, the user accepts the proposed columns, the worker checks it."""
    run_worker()
    accept_columns(client, preview_url, capture, run_worker)


def upload(client: Any, capture: Any, partner_pk: int, data: bytes, name: str = "referrals.csv") -> Any:
    with capture(execute=True):
        return client.post(reverse("sourcing:imports"), {"partner": partner_pk, "file": SimpleUploadedFile(name, data)})


def imported_people() -> Any:
    return Person.objects.filter(referrals__source=Referral.Source.IMPORT)


def messages_of(result: Any) -> str:
    return " ".join(error.message for error in result.errors)


# --- F6: an import matches and updates only people inside the importer's scope ---------------------


def _lyon_person_referred_by_the_paris_partner(cast: Cast) -> Person:
    """Leïla lives in Lyon; the Paris NGO referred her once (she has moved since)."""
    leila = cast.leila.person
    leila.phone, leila.email = "06 99 88 77 66", "leila@example.org"
    leila.save()
    Referral.objects.create(person=leila, partner=cast.paris_ngo, referrer_name="Farah")
    return leila


def _row_with_her_phone() -> dict[str, str]:
    return example_row(1) | {"phone": "+33 6 99 88 77 66", "email": "autre@example.org", "home": "Paris"}


@pytest.mark.parametrize("importer", ["paris_coordinator", "command"])
def test_F6_import_never_updates_a_person_outside_the_importer_scope(cast: Cast, importer: str, tmp_path: Any) -> None:
    leila = _lyon_person_referred_by_the_paris_partner(cast)
    data = csv_bytes([_row_with_her_phone()])
    if importer == "command":  # no user acts: the partner's territory is the scope
        path = tmp_path / "referrals.csv"
        path.write_bytes(data)
        out = StringIO()
        call_command("import_referrals", str(path), "--partner", cast.paris_ngo.slug, stdout=out)
        assert out.getvalue().strip() == "created 1, updated 0, skipped 0"
    else:
        result = import_referrals(data, "referrals.csv", partner=cast.paris_ngo, actor=cast.amara)
        assert result.summary() == "created 1, updated 0, skipped 0"
        assert result.rows[0].possible_duplicates == []  # nothing of the Lyon file is named
    leila.refresh_from_db()
    assert (leila.email, leila.territory_id) == ("leila@example.org", cast.lyon.pk)
    assert not leila.consents.filter(method=Consent.Method.PARTNER_ATTESTATION).exists()
    assert leila.mentee_profile.home_id != 2988507  # Paris
    created = imported_people().get(email="autre@example.org")
    assert created.territory_id == cast.paris.pk
    # A possible duplicate for whoever may see both files: the national admin, not the importer.
    national = {(p.first.pk, p.second.pk) for p in duplicate_pairs(people_visible_to(cast.nadia))}
    assert tuple(sorted((created.pk, leila.pk))) in national
    paris = {(p.first.pk, p.second.pk) for p in duplicate_pairs(people_visible_to(cast.amara))}
    assert not any(leila.pk in pair for pair in paris)


def test_F6_the_preview_shows_nothing_of_a_person_outside_the_importer_scope(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    leila = _lyon_person_referred_by_the_paris_partner(cast)
    client = client_for(cast.amara)
    preview_url = upload(
        client, django_capture_on_commit_callbacks, cast.paris_ngo.pk, csv_bytes([_row_with_her_phone()])
    )["Location"]
    read_and_map(client, django_capture_on_commit_callbacks, preview_url)
    page = client.get(preview_url).content.decode()
    assert reverse("people:person", args=[leila.pk]) not in page
    assert f"#{leila.pk}" not in page
    assert leila.last_name not in page
    assert client.post(preview_url).status_code == 302
    leila.refresh_from_db()
    assert leila.email == "leila@example.org"
    duplicates = client_for(cast.nadia).get(reverse("sourcing:duplicates")).content.decode()
    assert reverse("people:person", args=[leila.pk]) in duplicates


# --- F7: limits before parsing, no fallback reader, parsed once in the worker, request cap ---------


def _xlsx_with_sheet(sheet_xml_chunks: Iterator[bytes]) -> bytes:
    """A real XLSX (openpyxl's) whose first sheet is replaced by the given XML, streamed in."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([example_row(1)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in original.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with bomb.open(info.filename, "w", force_zip64=True) as sheet:
                    for chunk in sheet_xml_chunks:
                        sheet.write(chunk)
            else:
                bomb.writestr(info, original.read(info.filename))
    return buffer.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _bomb(unpacked_mb: int) -> Iterator[bytes]:
    """One row whose single cell holds `unpacked_mb` MB of the same letter: huge once unpacked, tiny packed."""
    yield SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    block = b"A" * (1024 * 1024)
    for _ in range(unpacked_mb):
        yield block
    yield b"</t></is></c></row>" + SHEET_TAIL


def test_F7_a_zip_bomb_xlsx_is_refused_from_its_declared_sizes_before_parsing(cast: Cast) -> None:
    bomb = _xlsx_with_sheet(_bomb(70))
    assert len(bomb) < 200 * 1024  # a few hundred KB on the wire
    result = import_referrals(bomb, "bomb.xlsx", partner=cast.paris_ngo, actor=None, dry_run=True)
    assert [(error.line, error.column) for error in result.errors] == [(0, "")]  # the file, not a row
    assert "too large once unpacked" in messages_of(result)
    # Within the total, one part unpacking a thousand times its packed size is refused too.
    small_bomb = _xlsx_with_sheet(_bomb(5))
    result = import_referrals(small_bomb, "bomb.xlsx", partner=cast.paris_ngo, actor=None, dry_run=True)
    assert "too large once unpacked" in messages_of(result)
    assert imported_people().count() == 0


def test_F7_blank_rows_count_toward_the_row_cap(cast: Cast, settings: Any) -> None:
    blank_csv = (";".join(HEADERS_FR) + "\r\n").encode() + b"\r\n" * 2_000_000
    result = import_referrals(blank_csv, "blank.csv", partner=cast.paris_ngo, actor=None, dry_run=True)
    assert "more than 20000 rows" in messages_of(result)

    def blank_sheet() -> Iterator[bytes]:
        yield SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>prenom</t></is></c></row>'
        yield b"".join(b'<row r="%d"/>' % number for number in range(2, 2_000_001))
        yield SHEET_TAIL

    result = import_referrals(_xlsx_with_sheet(blank_sheet()), "blank.xlsx", partner=cast.paris_ngo, actor=None)
    assert "more than 20000 rows" in messages_of(result)
    # The count is exact: header + 4 blank lines + 5 rows is 10 rows.
    settings.IMPORT_MAX_ROWS = 9
    rows = csv_bytes([example_row(i) for i in range(5)]).replace(b"\r\n", b"\r\n\r\n", 4)
    assert "more than 9 rows" in messages_of(import_referrals(rows, "r.csv", partner=cast.paris_ngo, actor=None))
    settings.IMPORT_MAX_ROWS = 10
    assert import_referrals(rows, "r.csv", partner=cast.paris_ngo, actor=None).created == 5


def test_F7_the_cell_cap_counts_empty_cells(cast: Cast, settings: Any) -> None:
    settings.IMPORT_MAX_CELLS = 100
    data = csv_bytes([example_row(i) for i in range(5)])  # 6 rows of 19 cells
    result = import_referrals(data, "r.csv", partner=cast.paris_ngo, actor=None)
    assert "more than 100 cells" in messages_of(result)


def test_F7_a_file_over_the_import_size_limit_is_refused_on_upload(
    cast: Cast, client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 2000
    data = csv_bytes([example_row(i) for i in range(40)])
    response = upload(client_for(cast.amara), django_capture_on_commit_callbacks, cast.paris_ngo.pk, data)
    assert response.status_code == 200
    assert "Le fichier dépasse" in response.content.decode()  # the coordinator's page is in French
    assert not DBTaskResult.objects.exists()
    assert not settings.IMPORT_PENDING_DIR.exists() or not any(settings.IMPORT_PENDING_DIR.iterdir())


def test_F7_the_check_runs_in_the_worker_and_the_page_shows_its_status(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(cast.amara)
    response = upload(client, django_capture_on_commit_callbacks, cast.paris_ngo.pk, csv_bytes([example_row(1)]))
    preview_url = response["Location"]
    assert DBTaskResult.objects.filter(task_path=CHECK_TASK).count() == 1  # queued, not run in the request
    waiting = client.get(preview_url)
    assert waiting.status_code == 200
    assert waiting["Refresh"] == "2"  # refreshes itself, without any script
    assert 'role="status"' in waiting.content.decode()
    assert "To create" not in waiting.content.decode()
    run_worker()
    assert DBTaskResult.objects.get(task_path=CHECK_TASK).status == "SUCCESSFUL"
    mapping = client.get(preview_url)
    assert not mapping.has_header("Refresh")
    assert "Vérifier le fichier avec ces colonnes" in mapping.content.decode()  # the mapping step, before any check
    accept_columns(client, preview_url, django_capture_on_commit_callbacks, run_worker)
    ready = client.get(preview_url)
    assert not ready.has_header("Refresh")
    assert example_row(1)["first_name"] in ready.content.decode()


def test_F7_the_upload_is_parsed_once_and_reloads_read_the_stored_result(
    cast: Cast, client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(cast.amara)
    rows = [example_row(i) for i in range(12)]
    preview_url = upload(client, django_capture_on_commit_callbacks, cast.paris_ngo.pk, csv_bytes(rows))["Location"]
    read_and_map(client, django_capture_on_commit_callbacks, preview_url)
    with django_capture_on_commit_callbacks(execute=True):
        pages = [client.get(preview_url).content.decode() for _ in range(3)]
    run_worker()
    assert all(rows[5]["last_name"] in page for page in pages)
    assert DBTaskResult.objects.filter(task_path=CHECK_TASK).count() == 2  # read once, checked once: no re-parse
    assert not list(settings.IMPORT_PENDING_DIR.glob("*.data"))  # the upload itself is gone: nothing to re-read
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(preview_url).status_code == 302
    assert Referral.objects.filter(source=Referral.Source.IMPORT, created_by=cast.amara).count() == 12
    assert DBTaskResult.objects.filter(task_path=CHECK_TASK).count() == 2


def test_F7_a_request_larger_than_MAX_REQUEST_BYTES_gets_413(
    cast: Cast, client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MAX_REQUEST_BYTES = 4096
    data = csv_bytes([example_row(i) for i in range(40)])
    assert len(data) > 4096
    response = upload(client_for(cast.amara), django_capture_on_commit_callbacks, cast.paris_ngo.pk, data)
    assert response.status_code == 413
    assert "L’envoi est trop volumineux" in response.content.decode()
    assert not DBTaskResult.objects.exists()


# --- F13: a NUL anywhere is a bad cell at preview; confirming never 500s ----------------------------


def test_F13_a_nul_after_the_first_4_kb_is_reported_at_preview_with_its_line_and_column(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [example_row(i) for i in range(60)]
    rows[49]["first_name"] = "Ami\x00na"
    data = csv_bytes(rows, encoding="utf-8")
    assert data.index(b"\x00") > 4096
    result = import_referrals(data, "r.csv", partner=cast.paris_ngo, actor=None, dry_run=True)
    assert [(e.line, e.letter) for e in result.errors] == [(51, "A")]
    assert "U+0000" in result.errors[0].message
    client = client_for(cast.amara)
    preview_url = upload(client, django_capture_on_commit_callbacks, cast.paris_ngo.pk, data)["Location"]
    read_and_map(client, django_capture_on_commit_callbacks, preview_url)
    page = client.get(preview_url).content.decode()
    assert '<td class="num">51</td>' in page
    assert client.post(preview_url).status_code == 200  # the errors again, never a 500
    assert imported_people().count() == 0


# --- F14: control characters and line breaks in imported cells --------------------------------------


def test_F14_import_reports_control_characters_and_line_breaks_in_cells_and_saves_nothing(cast: Cast) -> None:
    rows = [example_row(i) for i in range(1, 6)]
    rows[0]["first_name"] = "Amina\r\nBcc: someone@example.org"  # a line break in a name
    rows[1]["last_name"] = "Dia\x07llo"  # BEL
    rows[2]["phone"] = "06 12\t34 56 78"  # a tab where one line of text is expected
    rows[3]["email"] = "x\x1b@example.org"  # ESC
    rows[4]["reason"] = "Deux lignes\r\net une\ttabulation"  # free text may have both
    result = import_referrals(csv_bytes(rows, encoding="utf-8"), "r.csv", partner=cast.paris_ngo, actor=None)
    problems = [(e.line, e.letter, e.message.split(" ")[1]) for e in result.errors]
    # Line numbers are the file's lines: the quoted line break makes the first row two lines long.
    assert problems == [(2, "A", "line"), (4, "B", "cell"), (5, "F", "cell"), (6, "E", "cell")]
    assert "U+000D" in result.errors[0].message
    assert "U+0007" in result.errors[1].message
    assert imported_people().count() == 0
    # XLSX (whose XML cannot even hold most control characters): a name typed with Alt+Enter.
    xlsx_rows = [rows[0], rows[4]]
    result = import_referrals(xlsx_bytes(xlsx_rows), "r.xlsx", partner=cast.paris_ngo, actor=None)
    assert [(e.line, e.letter, e.message.split(" ")[1]) for e in result.errors] == [(2, "A", "line")]
    assert imported_people().count() == 0
    rows = rows[4:]
    assert import_referrals(csv_bytes(rows), "r.csv", partner=cast.paris_ngo, actor=None).created == 1
    # Accepted (its white space is tidied as before).
    assert imported_people().get().referrals.get().reason == "Deux lignes et une tabulation"
