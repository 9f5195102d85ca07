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


# --- An import in the NGO's language: the mapping step, the way back to the referrals -------------


def _mapping_page(client: Any, data: bytes, partner_pk: int, name: str = "orientations.xlsx") -> tuple[str, Any]:
    response = upload(client, partner_pk, data, name, check=False)
    run_worker()  # reads the file; the columns wait for the user
    return response["Location"], client.get(response["Location"])


def test_the_mapping_step_proposes_fields_from_french_headers_and_remembers_the_users_choice(
    cast: Cast, client_for: Any
) -> None:
    from binome.sourcing.tests.ngo_spreadsheet import HEADERS, ngo_spreadsheet

    client = client_for(cast.amara)
    preview_url, page = _mapping_page(client, ngo_spreadsheet(rows=3), cast.paris_ngo.pk)
    form = page.context["form"]
    proposed = {HEADERS[int(name.split("_")[1])]: form[name].value() for name in form.fields}
    assert proposed["Tél"] == "phone"
    assert proposed["Courriel"] == "email"
    assert proposed["Nationalité"] == "country_of_origin"
    assert proposed["Métier recherché"] == "target_occupations"
    assert proposed["Langues parlées"] == "languages"
    html = page.content.decode()
    assert "Vérifier le fichier avec ces colonnes" in html  # the coordinator's page is in French
    assert "Ignorer cette colonne" in html
    # Two columns for one field: the form comes back with the reason, nothing is checked.
    choices = {name: form[name].value() or "" for name in form.fields}
    observations = f"column_{HEADERS.index('Observations')}"
    choices[observations] = "phone"
    again = client.post(preview_url, {"map": "1", **choices})
    assert again.status_code == 200
    assert "Tél" in str(again.context["form"].errors[observations])  # names the column that holds it
    assert "Corrigez" in again.content.decode() or "corriger" in again.content.decode()  # the summary on top
    # The user ignores "Observations": remembered for this partner's next file.
    choices[observations] = ""
    with CAPTURE[0](execute=True):
        assert client.post(preview_url, {"map": "1", **choices}).status_code == 302
    run_worker()
    _url, next_page = _mapping_page(client, ngo_spreadsheet(rows=3), cast.paris_ngo.pk)
    assert next_page.context["form"][observations].value() == ""


def test_after_an_import_a_link_leads_to_its_referrals_on_the_screening_board(cast: Cast, client_for: Any) -> None:
    from binome.sourcing.tests.ngo_spreadsheet import expected, ngo_spreadsheet

    client = client_for(cast.amara)
    earlier = upload(client, cast.paris_ngo.pk, csv_bytes([example_row(1)]))
    client.post(earlier["Location"])
    response = upload(client, cast.paris_ngo.pk, ngo_spreadsheet(rows=4), "orientations.xlsx")
    done = client.post(response["Location"], follow=True)
    html = done.content.decode()
    assert "Voir les orientations importées" in html
    board_url = done.context["batch"] and f"/staff/screening/?import_batch={done.context['batch']}"
    assert board_url
    assert board_url in html
    board = client.get(board_url).content.decode()
    assert all(expected(i)["first_name"] in board for i in range(4))
    assert example_row(1)["last_name"] not in board  # the earlier import's referral is not listed
    assert Referral.objects.filter(import_batch=done.context["batch"]).count() == 4


def test_a_cancelled_import_url_says_so_on_a_page_of_the_site(cast: Cast, client_for: Any, settings: Any) -> None:
    settings.DEBUG = True  # not the debug page either
    client = client_for(cast.amara)
    preview_url = upload(client, cast.paris_ngo.pk, csv_bytes([example_row(1)]))["Location"]
    client.post(preview_url, {"cancel": "1"})
    gone = client.get(preview_url)
    assert gone.status_code == 404
    assert "Cet import n'est plus disponible" in gone.content.decode()
    assert reverse("sourcing:imports") in gone.content.decode()


def test_the_import_is_linked_from_the_screening_board_and_the_staff_navigation(cast: Cast, client_for: Any) -> None:
    html = client_for(cast.amara).get(reverse("sourcing:screening_board")).content.decode()
    assert html.count(f'href="{reverse("sourcing:imports")}"') >= 2


def test_the_mapping_form_answers_hostile_input_with_its_errors(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    preview_url, _page = _mapping_page(client, csv_bytes([example_row(1)]), cast.paris_ngo.pk, "r.csv")
    response = client.post(preview_url, {"map": "1", "column_0": "<script>alert(1)</script>", "column_99": "email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(" not in html
    assert "Aucune colonne ne contient ces champs obligatoires" in html  # every column was left out but one


def test_the_preview_names_changed_fields_in_the_users_language(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    row = example_row(1)
    client.post(upload(client, cast.paris_ngo.pk, csv_bytes([row]))["Location"])
    changed = row | {"phone": "07 11 22 33 44"}
    html = client.get(upload(client, cast.paris_ngo.pk, csv_bytes([changed]))["Location"]).content.decode()
    assert "Nouvelles valeurs : téléphone" in " ".join(html.split())
    assert "Nouvelles valeurs : phone" not in " ".join(html.split())
