"""Skills-sponsorship statements: figures equal the hours selectors, frozen at approval; the PDFs
are real PDFs with the right numbers; the XLSX export holds the ledger."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from binome.cohorts.models import Workshop, WorkshopInvitation
from binome.meetings.models import Meeting
from binome.meetings.selectors import company_hours, mentor_hours, period_of
from binome.people.models import MentorProfile
from binome.sponsorship import documents, selectors, services
from binome.sponsorship.models import Agreement, Statement
from binome.sponsorship.tests.helpers import signed_agreement
from conftest import Cast


def _meeting(cast: Cast, day: date, minutes: int, confirmed: bool = True) -> Meeting:
    return Meeting.objects.create(
        duo=cast.paris_duo,
        held_on=day,
        duration_minutes=minutes,
        mode="video",
        recorded_as="mentor",
        confirmed_at=timezone.now() if confirmed else None,
        confirmed_as="mentee" if confirmed else "",  # confirmed by the other member: it counts
    )


def _hours_of_ben(cast: Cast) -> None:
    """Ben: training day, 3 confirmed meetings (45 + 90 + 50 min), one unconfirmed, a 2 h workshop."""
    MentorProfile.objects.filter(pk=cast.ben.pk).update(trained_on=date(2026, 2, 10))
    cast.ben.refresh_from_db()
    for day, minutes in [(date(2026, 3, 12), 45), (date(2026, 4, 2), 90), (date(2026, 5, 7), 50)]:
        _meeting(cast, day, minutes)
    _meeting(cast, date(2026, 5, 20), 120, confirmed=False)
    workshop = Workshop.objects.create(
        cohort=cast.paris_duo.cohort,
        title="Codes professionnels",
        kind="workshop",
        starts_at=datetime(2026, 4, 11, 8, tzinfo=UTC),
        ends_at=datetime(2026, 4, 11, 10, tzinfo=UTC),
    )
    WorkshopInvitation.objects.create(workshop=workshop, person=cast.ben.person, role="mentor", present=True)


def test_a_statements_figures_equal_the_hours_selectors(cast: Cast) -> None:
    _hours_of_ben(cast)
    start, end = period_of(cast.paris_duo.cohort)
    services.declare_hourly_cost(cast.acme, hourly_cost_cents=4_500, actor=cast.hugo)
    statement = services.draft_statement(cast.acme, starts_on=start, ends_on=end, actor=cast.amara)
    assert statement.hourly_cost_cents == 4_500  # the company's declaration
    figures = selectors.statement_figures(statement)
    ben = mentor_hours(cast.ben, start=start, end=end)
    ((line, value),) = figures.lines
    assert (line.training_hours, line.meeting_hours, line.workshop_hours) == (ben.training, ben.meetings, ben.workshops)
    assert line.total_hours == ben.total == 7 + 185 / 60 + 2
    assert line.days == ben.days
    assert figures.total_hours == company_hours(cast.acme, start=start, end=end).total
    assert value == round((420 + 185 + 120) * 4_500 / 60) == 54_375
    assert figures.commitment_days == 3


def test_approval_freezes_the_figures_and_names_who_approved(cast: Cast) -> None:
    _hours_of_ben(cast)
    statement = services.draft_statement(
        cast.acme, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30), hourly_cost_cents=5_000, actor=cast.amara
    )
    services.approve_statement(statement, actor=cast.amara)
    statement.refresh_from_db()
    assert (statement.status, statement.approved_by, statement.approved_at is not None) == (
        "approved",
        cast.amara,
        True,
    )
    before = selectors.statement_figures(statement).total_minutes
    _meeting(cast, date(2026, 6, 1), 60)  # recorded after approval: the statement does not move
    assert selectors.statement_figures(statement).total_minutes == before == 420 + 185 + 120
    assert selectors.live_lines(cast.acme, date(2026, 1, 1), date(2026, 6, 30))[0].total_minutes == before + 60
    with pytest.raises(ValidationError, match="already approved"):
        services.approve_statement(statement, actor=cast.amara)


def test_a_statement_needs_an_hourly_cost(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="not declared an hourly cost"):
        services.draft_statement(cast.acme, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30), actor=None)


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    # Words only, one space apart: table cells wrap across lines in the PDF's text.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_statement_pdf_shows_each_employees_hours_and_the_valuation(cast: Cast) -> None:
    _hours_of_ben(cast)
    statement = services.draft_statement(
        cast.acme, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30), hourly_cost_cents=4_500, actor=cast.amara
    )
    assert "DRAFT" in _text(documents.statement_pdf(statement))
    services.approve_statement(statement, actor=cast.amara)
    text = _text(documents.statement_pdf(Statement.objects.get(pk=statement.pk)))
    assert "Ben Durand" in text
    # 7 h training + 3.1 h meetings (185 min) + 2.0 h workshops = 12.1 h, 1.7 days of 3, 543.75 €
    for figure in ["7.0", "3.1", "2.0", "12.1", "1.7 / 3", "543.75", "45.00"]:
        assert figure in text, figure
    assert "DRAFT" not in text
    assert not {"Chloé", "Haddad"} & set(text.split())


def test_invoice_and_receipt_pdfs_carry_their_numbers_and_amounts(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    invoice = services.issue_invoice(agreement, amount_cents=123_456, issued_on=date(2026, 2, 1), actor=None)
    payment = services.record_payment(invoice, amount_cents=23_456, received_on=date(2026, 2, 20), actor=None)
    invoice_text = _text(documents.invoice_pdf(invoice))
    assert all(part in invoice_text for part in ["F2026-00001", "1,234.56", "Acme"])
    receipt_text = _text(documents.receipt_pdf(payment.receipt))
    assert all(part in receipt_text for part in ["R2026-00001", "234.56", "F2026-00001"])


def test_the_accountants_workbook_has_the_entries_and_the_balances(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    invoice = services.issue_invoice(agreement, amount_cents=100_000, issued_on=date(2026, 2, 1), actor=None)
    services.record_payment(invoice, amount_cents=40_000, received_on=date(2026, 2, 20), actor=None)
    book = load_workbook(
        io.BytesIO(documents.ledger_xlsx(Agreement.objects.all(), selectors.companies_for_staff(cast.nadia)))
    )
    entries, balances = book.worksheets
    rows = list(entries.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4], r[5], r[6]) for r in rows] == [
        ("Acme", 7500, None, None),
        ("Acme", 1000, "F2026-00001", None),
        ("Acme", 400.0, "F2026-00001", "R2026-00001"),
    ]
    assert list(balances.iter_rows(min_row=2, max_row=2, values_only=True)) == [
        ("Acme", 7500.0, 1000.0, 400.0, 600.0, 7100.0)
    ]
