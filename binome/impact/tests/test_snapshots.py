"""Frozen reports for funders and companies: issued once per closed period, downloaded as issued,
seen only by their audience, and hiding the same cells on the page, in the PDF and in the XLSX."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from binome.audit.models import AuditEvent
from binome.impact.models import Outcome, PublishedReport, Source

from . import factories as f

pytestmark = pytest.mark.django_db
ISSUE = "/staff/impact/published/issue/"
Q3 = {"period_kind": "quarter", "period_start": "2026-07-01"}


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel("2026-10-01 10:00 +0200", tick=False):
        yield


@pytest.fixture
def world(cast, settings, tmp_path):
    """Paris: Chloé with Ben (Acme) and Omar with Eve (Boulangerie); Lyon: Leïla with Dev; the
    cohorts ended on 1 September 2026, inside the third quarter."""
    return f.three_duos(cast)


def _issue(client, **data):
    return client.post(ISSUE, {**Q3, **data}, follow=True, HTTP_ACCEPT_LANGUAGE="en")


def test_a_national_admin_issues_the_funders_report_once(world, client_for):
    client = client_for(world.nadia)
    page = _issue(client)
    assert "Report no. 1 issued." in page.content.decode()
    report = PublishedReport.objects.get()
    assert (report.kind, report.number, report.period_start, report.period_end) == (
        "funder",
        1,
        date(2026, 7, 1),
        date(2026, 9, 30),
    )
    assert report.issued_by == world.nadia
    assert AuditEvent.objects.filter(actor=world.nadia, target_id=str(report.pk), verb="created").exists()
    again = _issue(client).content.decode()
    assert "already issued (no. 1)" in again
    assert PublishedReport.objects.count() == 1
    year = _issue(client, period_kind="year", period_start="2025-01-01")
    assert "Report no. 2 issued." in year.content.decode()


def test_a_period_not_over_is_refused(world, client_for):
    page = _issue(client_for(world.nadia), period_start="2026-10-01").content.decode()
    assert "is not over yet" in page
    bogus = _issue(client_for(world.nadia), period_start="2026-08-01").content.decode()
    assert "Choose a closed quarter or year." in bogus
    assert not PublishedReport.objects.exists()


def test_coordinators_issue_their_companies_reports_only(world, client_for):
    amara = client_for(world.amara)
    assert _issue(amara).status_code == 404  # the funders' report is national
    assert "Report no. 1 issued." in _issue(amara, company=world.acme.pk).content.decode()
    lucie = client_for(world.lucie)
    assert _issue(lucie, company=world.boulangerie.pk).status_code == 404  # a Paris company
    assert PublishedReport.objects.filter(kind="company").count() == 1


def test_the_funder_downloads_the_same_bytes_and_never_live_figures(world, client_for):
    _issue(client_for(world.nadia))
    report = PublishedReport.objects.get()
    client = client_for(world.fiona)
    home = client.get(reverse("funder_portal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("impact:funder_snapshot", args=[report.pk]) in home
    assert "Q3 2026" in home
    assert "Concrete professional opportunity" not in home  # the results are in the issued reports only
    first = client.get(reverse("impact:funder_snapshot_file", args=[report.pk, "pdf"])).content
    # Later data changes nothing in what was issued.
    Outcome.objects.create(person=world.leila.person, kind="cdi", date=date(2026, 8, 1), source=Source.STAFF)
    second = client.get(reverse("impact:funder_snapshot_file", args=[report.pk, "pdf"])).content
    assert first == second == bytes(report.pdf)
    xlsx = client.get(reverse("impact:funder_snapshot_file", args=[report.pk, "xlsx"])).content
    assert xlsx == bytes(report.xlsx)


def test_each_audience_sees_only_its_own_snapshots(world, client_for):
    nadia = client_for(world.nadia)
    _issue(nadia)
    _issue(nadia, company=world.acme.pk)
    _issue(nadia, company=world.boulangerie.pk)
    funder = PublishedReport.objects.get(kind="funder")
    acme = PublishedReport.objects.get(company=world.acme)
    boulangerie = PublishedReport.objects.get(company=world.boulangerie)
    hugo = client_for(world.hugo)
    listing = hugo.get(reverse("impact:company"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("impact:company_snapshot", args=[acme.pk]) in listing
    assert reverse("impact:company_snapshot", args=[boulangerie.pk]) not in listing
    assert hugo.get(reverse("impact:company_snapshot", args=[acme.pk])).status_code == 200
    assert hugo.get(reverse("impact:company_snapshot", args=[boulangerie.pk])).status_code == 404
    assert hugo.get(reverse("impact:company_snapshot_file", args=[boulangerie.pk, "pdf"])).status_code == 404
    assert hugo.get(reverse("impact:company_snapshot", args=[funder.pk])).status_code == 404
    assert hugo.get(reverse("impact:funder_snapshot", args=[funder.pk])).status_code in (403, 404)
    fiona = client_for(world.fiona)
    assert fiona.get(reverse("impact:funder_snapshot", args=[acme.pk])).status_code == 404
    assert fiona.get(reverse("impact:funder_snapshot_file", args=[funder.pk, "doc"])).status_code == 404
    lucie = client_for(world.lucie)
    assert lucie.get(reverse("impact:published_file", args=[acme.pk, "pdf"])).status_code == 404
    assert lucie.get(reverse("impact:published_file", args=[funder.pk, "pdf"])).status_code == 404


def _marked(cells: list[object], marker: str) -> list[bool]:
    return [str(c) == marker for c in cells]


def test_page_pdf_and_xlsx_of_one_snapshot_hide_the_same_cells(world, client_for):
    _issue(client_for(world.nadia))
    report = PublishedReport.objects.get()
    stored = {row["key"]: set(row["hidden"]) for row in report.cells["rows"]}
    assert stored["opportunity"] >= {"numerator", "denominator"}  # 2 of 3 participants: small
    assert report.cells["hidden"]
    for row in report.cells["rows"]:  # the stored cells never hold a hidden value
        for part in row["hidden"]:
            assert row[part] is None
    client = client_for(world.fiona)
    page = client.get(reverse("impact:funder_snapshot", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="hidden-note"' in page
    wb = load_workbook(io.BytesIO(bytes(report.xlsx)))
    labels = {}
    for row in wb["Figures"].iter_rows(min_row=5, values_only=True):
        if row[0] and row[1] is not None:
            labels[row[0]] = _marked(list(row[1:4]), "hidden")
    table = page.split('class="impact-figures"')[1].split("</table>")[0]
    page_rows = re.findall(r'<th scope="row">(.*?)<br>.*?</th>\s*(.*?)</tr>', table, re.S)
    assert page_rows
    for label, cells in page_rows:
        values = re.findall(r'<td class="num"[^>]*>(?:<strong>)?(.*?)(?:</strong>)?</td>', cells)
        assert _marked(values[:3], "hidden") == labels[html.unescape(label.strip())], label
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(report.pdf))).pages)
    hidden_in_xlsx = sum(1 for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r if c == "hidden")
    hidden_on_page = len(re.findall(r">hidden<", page))
    assert hidden_in_xlsx > 0
    # The PDF has the page's tables and charts: as many masked cells, same words.
    assert len(re.findall(r"\bhidden\b", text)) >= hidden_in_xlsx
    assert hidden_on_page >= hidden_in_xlsx


def test_the_company_home_hides_small_duo_counts(world, client_for):
    page = client_for(world.hugo).get(reverse("company_portal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    employees = page.split("Your employees enrolled as mentors")[1].split("</table>")[0]
    ben = employees.split(world.ben.person.full_name)[1].split("</tr>")[0]
    assert ">hidden<" in ben  # one duo: too few to show beside a name
    assert 'id="hidden-note"' in page


def test_the_funder_overview_hides_small_cells_and_their_complements(world, client_for):
    page = client_for(world.fiona).get(reverse("funder_portal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    overview = page.split('id="overview"')[1].split("</table>")[0]
    numbers = re.findall(r'<td class="num">(.*?)</td>', overview)
    assert numbers
    for value in numbers:
        assert value == "hidden" or value == "0" or int(value) >= 5
