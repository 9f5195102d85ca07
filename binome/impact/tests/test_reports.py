from __future__ import annotations

import io
import json
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from binome.impact import reports
from binome.impact.models import Report
from binome.impact.tasks import run_report

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel("2026-10-01 10:00 +0200", tick=False):
        yield


@pytest.fixture
def world(cast, settings, tmp_path):
    """Paris: Chloé with Ben (Acme) and Omar with Eve (Boulangerie Martin); Lyon: Leïla with Dev."""
    settings.MEDIA_ROOT = str(tmp_path)
    return f.three_duos(cast)


def _cells(content: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(content))
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _sheet(content: bytes, title: str) -> list[list]:
    wb = load_workbook(io.BytesIO(content))
    return [list(r) for r in wb[title].iter_rows(values_only=True)]


def test_company_report_holds_only_its_employees_duos(world, client_for):
    # Company contacts get issued snapshots only (test_snapshots); the staff report is the live one.
    client = client_for(world.nadia)
    xlsx = client.get(f"/staff/impact/company/{world.acme.pk}/report.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert xlsx.status_code == 200
    figures = {row[0]: row for row in _sheet(xlsx.content, "Figures") if row and row[0]}
    opportunity = figures["Concrete professional opportunity by the programme's end"]
    assert opportunity[1:4] == [1, 1, 0]  # Chloé only; Omar (Boulangerie) and Leïla (Lyon) are not counted
    assert figures["Duos completed"][1:3] == [1, 1]
    cells = " ".join(_cells(xlsx.content))
    for foreign in ("Boulangerie", "Lyon", "Rhône", "Omar", "Chloé", "Haddad"):
        assert foreign not in cells
    assert "Definitions" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
    pdf = client.get(f"/staff/impact/company/{world.acme.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert pdf.status_code == 200
    text = _pdf_text(pdf.content)
    assert "Acme" in text
    assert "Computed on" in text
    for foreign in ("Boulangerie", "Lyon", "Omar", "Chloé", "Haddad"):
        assert foreign not in text


def test_company_contact_cannot_ask_for_another_company(world, client_for):
    client = client_for(world.hugo)
    assert client.get(f"/company/impact/?company={world.boulangerie.pk}").status_code == 404
    assert client.get("/company/impact/?company=x").status_code == 404


def test_funder_report_suppresses_small_cells(world, client_for):
    from binome.impact import periods, snapshots

    with time_machine.travel("2026-10-02 10:00 +0200", tick=False):
        issued = snapshots.issue(actor=world.nadia, kind="funder", period=periods.of("quarter", date(2026, 7, 1)))
    client = client_for(world.fiona)
    xlsx = client.get(f"/funder/reports/{issued.pk}/file.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert xlsx.status_code == 200
    figures = {row[0]: row for row in _sheet(xlsx.content, "Figures") if row and row[0]}
    opportunity = figures["Concrete professional opportunity by the programme's end"]
    assert opportunity[1:5] == ["hidden", "hidden", 0, "hidden"]  # 3 of 3: too few to show, even as a rate
    funnel = dict(r for r in _sheet(xlsx.content, "Funnel")[1:])
    assert funnel["Matched"] == "hidden"
    cells = " ".join(_cells(xlsx.content))
    assert "Chloé" not in cells
    assert "Omar" not in cells
    text = _pdf_text(client.get(f"/funder/reports/{issued.pk}/file.pdf", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "hidden" in text
    assert "Chloé" not in text


def test_the_staff_preview_of_the_funders_report_hides_what_funders_may_not_see(world):
    report = Report.objects.create(kind="funder", format="xlsx", requested_by=world.nadia)
    run_report(report)
    report.refresh_from_db()
    assert report.status == "ready", report.error
    with open(report.file, "rb") as handle:
        cells = _cells(handle.read())
    assert "hidden" in cells
    assert "<5" not in cells  # the old rule, undone by subtraction, is gone


def test_funder_cells_of_five_or_more_are_shown():
    fig = reports.kpis._blank("opportunity")
    big = reports.kpis.Figure(**{**fig.__dict__, "numerator": 5, "denominator": 12, "unknown": 4, "rate": 5 / 12})
    row = reports.display(big, suppress=True)
    assert (row.numerator, row.denominator, row.unknown, row.rate) == ("5", "12", "<5", "42 %")
    small = reports.display(big, suppress=False)
    assert small.unknown == "4"


def test_lyon_coordinator_cannot_open_paris_cohort_reports(world, client_for):
    paris_cohort = world.paris_duo.cohort_id
    lucie = client_for(world.lucie)
    for fmt in ("pdf", "xlsx"):
        assert lucie.get(f"/staff/impact/cohort/{paris_cohort}/report.{fmt}").status_code == 404
    assert lucie.get(f"/staff/impact/territory/{world.paris.pk}/report.xlsx").status_code == 404
    assert lucie.get(f"/staff/impact/company/{world.acme.pk}/report.xlsx").status_code == 404
    assert lucie.get(f"/staff/impact/?cohort={paris_cohort}").status_code == 404
    amara = client_for(world.amara)
    response = amara.get(f"/staff/impact/cohort/{paris_cohort}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "Paris printemps" in text
    assert "Definitions in force" in text


def test_cohort_xlsx_has_figures_definitions_and_people(world, client_for):
    response = client_for(world.amara).get(
        f"/staff/impact/cohort/{world.paris_duo.cohort_id}/report.xlsx", HTTP_ACCEPT_LANGUAGE="en"
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert {"Figures", "Funnel", "Definitions", "People"} <= set(wb.sheetnames)
    people = _sheet(response.content, "People")
    assert len(people) == 1 + 2  # header and the two Paris duos
    definitions = dict(r[:2] for r in _sheet(response.content, "Definitions")[1:] if r[0])
    assert "interview alone does not count" in definitions["Concrete professional opportunity by the programme's end"]


def test_background_report_runs_and_downloads(world, client_for):
    client = client_for(world.amara)
    response = client.post("/staff/impact/reports/", {"kind": "territory", "target": world.paris.pk, "format": "pdf"})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/impact/reports/{report.pk}/"
    page = client.get(f"/staff/impact/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert b'hx-trigger="every 2s"' in page.content
    assert client.get(f"/staff/impact/reports/{report.pk}/download/").status_code == 404  # not ready yet
    run_report(report)
    report.refresh_from_db()
    assert (report.status, report.progress) == (Report.Status.READY, 100)
    assert report.file.startswith(str(world_tmp(world)))
    partial = client.get(f"/staff/impact/reports/{report.pk}/", HTTP_X_REQUESTED_WITH="x", HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in partial.content
    assert b"download" in partial.content
    download = client.get(f"/staff/impact/reports/{report.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Lucie (Lyon) cannot see or download it, nor ask for a Paris report.
    lucie = client_for(world.lucie)
    assert lucie.get(f"/staff/impact/reports/{report.pk}/").status_code == 404
    assert lucie.get(f"/staff/impact/reports/{report.pk}/download/").status_code == 404
    assert (
        lucie.post(
            "/staff/impact/reports/", {"kind": "cohort", "target": world.paris_duo.cohort_id, "format": "pdf"}
        ).status_code
        == 404
    )
    assert lucie.post("/staff/impact/reports/", {"kind": "funder", "format": "pdf"}).status_code == 404


def world_tmp(world):
    from django.conf import settings

    return settings.MEDIA_ROOT


def test_kpis_command_both_formats(world):
    out = io.StringIO()
    call_command("kpis", "--territory", "paris", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    opportunity = next(x for x in payload["figures"] if x["key"] == "opportunity")
    assert (opportunity["numerator"], opportunity["denominator"], opportunity["unknown"]) == (2, 2, 0)
    assert opportunity["interval"] == [pytest.approx(0.3424, abs=1e-4), 1.0]
    assert "interview" in opportunity["definition"]
    out = io.StringIO()
    call_command("kpis", "--cohort", str(world.lyon_duo.cohort_id), "--year", "2026", stdout=out)
    table = out.getvalue()
    assert "Definitions:" in table
    assert "- opportunity (participants): Concrete professional opportunity by the programme's end. Counted: " in table
    line = next(x for x in table.splitlines() if x.startswith("opportunity "))
    assert line.split()[1:4] == ["1", "1", "0"]
    assert line.split()[6:8] == ["100.0%", "100.0%–100.0%"]  # every answer known: bounds meet
    with pytest.raises(Exception, match="No territory"):
        call_command("kpis", "--territory", "nowhere", stdout=io.StringIO())


def test_funder_portal_shows_aggregates_with_small_cells(world, client_for):
    page = client_for(world.fiona).get("/funder/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"Programme results" in page.content
    assert b">hidden<" in page.content
    assert "Chloé".encode() not in page.content
    assert b"staff/impact/people" not in page.content


def test_company_report_counts_its_in_company_events_only(world, client_for):
    from datetime import UTC, datetime

    from binome.events import services as events

    def event(company, when):
        return events.create_event(
            company=company,
            kind="awareness",
            title="Sensibilisation",
            starts_at=when,
            duration_minutes=60,
            format="in_person",
            place="Siège",
            capacity=10,
            actor=world.amara,
        )

    held = event(world.acme, datetime(2026, 11, 5, 9, tzinfo=UTC))
    events.register(held, world.ben.person, actor=world.amara)
    events.register(held, world.chloe.person, actor=world.amara)
    event(world.boulangerie, datetime(2026, 11, 6, 9, tzinfo=UTC))  # another company's: not counted
    with time_machine.travel("2026-11-20 10:00 +0100", tick=False):
        client = client_for(world.nadia)
        xlsx = client.get(f"/staff/impact/company/{world.acme.pk}/report.xlsx", HTTP_ACCEPT_LANGUAGE="en")
        rows = {row[0]: row[1] for row in _sheet(xlsx.content, "In-company events") if row and row[0]}
        assert rows["Events held or planned"] == 1
        assert rows["Employees registered"] == 1
        assert rows["Mentees registered"] == 1
        pdf = client.get(f"/staff/impact/company/{world.acme.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
        text = _pdf_text(pdf.content)
        assert "In-company events, last twelve months" in text
        assert "Chloé" not in text


def test_rates_in_the_spreadsheet_are_numbers_with_a_percentage_format(world, client_for):
    response = client_for(world.amara).get(
        f"/staff/impact/territory/{world.paris.pk}/report.xlsx", HTTP_ACCEPT_LANGUAGE="fr"
    )
    sheet = load_workbook(io.BytesIO(response.content))["Chiffres"]
    header = [c.value for c in sheet[4]]
    rate, target = header.index("Taux") + 1, header.index("Objectif") + 1
    rates = [sheet.cell(r, rate) for r in range(5, sheet.max_row + 1) if sheet.cell(r, rate).value is not None]
    numeric = [c for c in rates if isinstance(c.value, (int, float))]
    assert numeric, "no rate is a number"
    assert all(not (isinstance(c.value, str) and c.value.rstrip().endswith("%")) for c in rates)
    percentages = [c for c in numeric if c.number_format == "0%"]
    assert percentages
    assert all(0 <= c.value <= 1 for c in percentages)
    targets = [sheet.cell(r, target) for r in range(5, sheet.max_row + 1)]
    assert all(c.value is None or c.value == "" or c.number_format == "0%" for c in targets)


def test_preparing_a_report_without_choosing_its_record_explains_what_to_choose(world, client_for):
    client = client_for(world.amara)
    response = client.post(
        "/staff/impact/reports/",
        {"kind": "cohort", "format": "pdf", "cohort": "", "territory": "", "company": "", "query": "year=2026"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/staff/impact/?year=2026"
    assert "choose it in the filters above" in response.content.decode()
    assert not Report.objects.exists()
    # The territory chosen in the filters is the territory report's subject, even with a cohort chosen too.
    chosen = client.post(
        "/staff/impact/reports/",
        {"kind": "territory", "format": "xlsx", "cohort": world.paris_duo.cohort_id, "territory": world.paris.pk},
    )
    assert chosen.status_code == 302
    assert Report.objects.get().target_id == world.paris.pk


def test_the_report_pages_warn_of_unmerged_duplicates(world, client_for):
    from binome.people.services import create_person

    client = client_for(world.amara)
    page = client.get("/staff/impact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="unmerged-duplicates"' not in page
    twin = world.chloe.person
    create_person(
        actor=world.amara,
        first_name=twin.first_name,
        last_name=twin.last_name,
        territory=world.paris,
        email=twin.email.upper(),
    )
    page = client.get("/staff/impact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="unmerged-duplicates"' in page
    assert "1 possible duplicate is not merged yet" in page
    assert 'href="/staff/duplicates/"' in page
    lyon = client_for(world.lucie).get("/staff/impact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="unmerged-duplicates"' not in lyon  # Paris's duplicates are not Lyon's
