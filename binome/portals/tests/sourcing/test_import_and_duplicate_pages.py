"""Staff pages: spreadsheet import (upload → preview → confirm), templates, duplicates and merge."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from binome.people.models import Person
from binome.people.services import create_person
from binome.portals.views.sourcing import imports as import_views
from binome.sourcing.models import Referral
from binome.sourcing.tests.importing_helpers import (
    accept_columns,
    csv_bytes,
    ensure_consent_text,
    example_row,
    xlsx_bytes,
)
from conftest import Cast

pytestmark = pytest.mark.django_db


CAPTURE: list[Any] = []


@pytest.fixture(autouse=True)
def _pending_in_tmp(
    settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> Any:
    settings.IMPORT_PENDING_DIR = tmp_path / "imports"
    ensure_consent_text()
    # The worker recycles database connections between tasks; inside a test transaction that
    # would close it (see binome/lib/tests/test_email_worker.py).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    CAPTURE[:] = [django_capture_on_commit_callbacks]
    yield
    CAPTURE.clear()


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())


def upload(client: Any, partner_pk: int, data: bytes, name: str = "referrals.csv", *, check: bool = True) -> Any:
    """Upload, then let the worker check the file (as `make run` does beside the web app)."""
    with CAPTURE[0](execute=True):
        response = client.post(
            reverse("sourcing:imports"), {"partner": partner_pk, "file": SimpleUploadedFile(name, data)}, follow=False
        )
    if check:
        run_worker()
        if response.status_code == 302:
            accept_columns(client, response["Location"], CAPTURE[0], run_worker)
    return response


def test_a_coordinator_previews_then_confirms_an_import(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    response = upload(client, cast.paris_ngo.pk, csv_bytes([example_row(i) for i in range(12)]))
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert "12" in preview.content.decode()
    assert not Referral.objects.filter(source=Referral.Source.IMPORT).exists()  # a preview saves nothing
    done = client.post(preview_url)
    assert done.status_code == 302
    assert Referral.objects.filter(source=Referral.Source.IMPORT, created_by=cast.amara).count() == 12
    assert client.get(preview_url).status_code == 404  # the upload is gone once imported


def test_the_preview_lists_every_error_with_line_and_column_and_confirming_saves_nothing(
    cast: Cast, client_for: Any
) -> None:
    client = client_for(cast.amara)
    rows = [example_row(i) for i in range(5)]
    rows[3]["target_occupations"] = "K9999"
    preview_url = upload(client, cast.paris_ngo.pk, xlsx_bytes(rows), "r.xlsx")["Location"]
    page = client.get(preview_url).content.decode()
    assert "K9999" in page
    assert '<td class="num">5</td>' in page  # line 5: header, then rows 2…6
    client.post(preview_url)
    assert not Referral.objects.filter(source=Referral.Source.IMPORT).exists()


@pytest.mark.parametrize(
    ("name", "data"), [("junk.xlsx", b"PK\x03\x04junk"), ("empty.csv", b"\r\n"), ("bin.csv", bytes(range(256)))]
)
def test_garbage_uploads_get_a_readable_preview_not_a_500(cast: Cast, client_for: Any, name: str, data: bytes) -> None:
    client = client_for(cast.amara)
    response = upload(client, cast.paris_ngo.pk, data, name)
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200


def test_a_lyon_coordinator_gets_404_importing_for_a_paris_partner(cast: Cast, client_for: Any) -> None:
    response = upload(client_for(cast.lucie), cast.paris_ngo.pk, csv_bytes([example_row(1)]))
    assert response.status_code == 404
    assert not list(import_views.pending_dir().glob("*.data"))


def test_another_staff_member_cannot_open_someone_elses_upload(cast: Cast, client_for: Any) -> None:
    preview_url = upload(client_for(cast.amara), cast.paris_ngo.pk, csv_bytes([example_row(1)]))["Location"]
    assert client_for(cast.nadia).get(preview_url).status_code == 404
    assert client_for(cast.nadia).post(preview_url).status_code == 404
    assert not Referral.objects.filter(source=Referral.Source.IMPORT).exists()


@pytest.mark.parametrize("role", ["farah", "ben_user", "hugo", "chloe_user"])
def test_referrers_mentors_and_others_are_refused_import_and_duplicate_pages(
    cast: Cast, client_for: Any, role: str
) -> None:
    client = client_for(getattr(cast, role))
    assert client.get(reverse("sourcing:imports")).status_code == 403
    assert upload(client, cast.paris_ngo.pk, csv_bytes([example_row(1)])).status_code == 403
    assert client.get(reverse("sourcing:duplicates")).status_code == 403
    assert client.get(reverse("sourcing:import_template", args=["csv"])).status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_staff_download_the_template(cast: Cast, client_for: Any, kind: str) -> None:
    response = client_for(cast.amara).get(reverse("sourcing:import_template", args=[kind]))
    assert response.status_code == 200
    assert f"template.{kind}" in response["Content-Disposition"]
    assert client_for(cast.amara).get(reverse("sourcing:import_template", args=["pdf"])).status_code == 404


def test_the_duplicates_page_lists_only_the_viewers_territory(cast: Cast, client_for: Any) -> None:
    born = datetime.date(1990, 1, 1)
    create_person(actor=None, first_name="Amina", last_name="Diallo", date_of_birth=born, territory=cast.paris)
    create_person(actor=None, first_name="DIALLO", last_name="Amina", date_of_birth=born, territory=cast.paris)
    create_person(actor=None, first_name="Yonas", last_name="Tesfay", email="y@example.org", territory=cast.lyon)
    create_person(actor=None, first_name="Yonas", last_name="T.", email="Y@example.org", territory=cast.lyon)
    page = client_for(cast.amara).get(reverse("sourcing:duplicates")).content.decode()
    assert "Amina" in page
    assert "Yonas" not in page


def test_a_coordinator_merges_two_files_and_lands_on_the_kept_one(cast: Cast, client_for: Any) -> None:
    keep = create_person(actor=None, first_name="Amina", last_name="Diallo", phone="0612345678", territory=cast.paris)
    other = create_person(
        actor=None, first_name="Amina", last_name="Diallo", phone="+33612345678", territory=cast.paris
    )
    Referral.objects.create(person=other, partner=cast.paris_ngo, referrer_name="Farah")
    client = client_for(cast.amara)
    url = reverse("sourcing:merge", args=[keep.pk, other.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"keep": keep.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person", args=[keep.pk])
    assert not Person.objects.filter(pk=other.pk).exists()
    assert keep.referrals.get().referrer_name == "Farah"
    assert client.post(url, {"keep": keep.pk}).status_code == 404  # already merged: the file is gone


def test_a_refused_merge_shows_why_and_changes_nothing(cast: Cast, client_for: Any) -> None:
    url = reverse("sourcing:merge", args=[cast.chloe.person_id, cast.leila.person_id])
    response = client_for(cast.nadia).post(url, {"keep": cast.chloe.person_id})
    assert response.status_code == 200
    assert "different territories" in response.content.decode() or "territoires" in response.content.decode()
    assert Person.objects.filter(pk=cast.leila.person_id).exists()


def test_a_lyon_coordinator_gets_404_merging_paris_files(cast: Cast, client_for: Any) -> None:
    url = reverse("sourcing:merge", args=[cast.chloe.person_id, cast.ben.person_id])
    assert client_for(cast.lucie).post(url, {"keep": cast.chloe.person_id}).status_code == 404
    assert Person.objects.filter(pk=cast.ben.person_id).exists()
