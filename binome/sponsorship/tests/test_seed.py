"""The demo's sponsorship data: two years of agreements with a renewal, one late invoice, an SME
agreement, and an approved statement whose lines equal the hours selectors."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from binome.meetings.selectors import company_hours
from binome.sponsorship import selectors
from binome.sponsorship.models import Agreement, Invoice, Statement

pytestmark = pytest.mark.django_db


def test_early_in_the_year_the_demo_still_has_a_renewal_a_late_invoice_and_an_approved_statement() -> None:
    # The autumn anchor is checked with the rest of the demo (binome/operations/tests/test_demo_data.py).
    anchor = date(2026, 2, 10)
    call_command("seed_demo", anchor=anchor, stdout=StringIO())
    assert_sponsorship_history(anchor)


def assert_sponsorship_history(anchor: date) -> None:
    acme = list(Agreement.objects.filter(company__slug="acme").order_by("starts_on"))
    assert len(acme) == 2
    assert acme[1].renews == acme[0]
    assert acme[0].starts_on.year + 1 == acme[1].starts_on.year
    assert [a.status for a in acme] == ["ended", "active"]
    late = selectors.late_invoices(Invoice.objects.all(), today=anchor)
    assert [i.agreement.company.slug for i in late] == ["acme"]
    assert Agreement.objects.filter(company__slug="boulangerie-martin", offer__kind="sme").exists()
    # Numbers follow the calendar within each year.
    for year in {i.year for i in Invoice.objects.all()}:
        in_order = list(Invoice.objects.filter(year=year).order_by("sequence").values_list("issued_on", flat=True))
        assert in_order == sorted(in_order)
    # Every entry lies in the past of the anchor.
    assert not Agreement.objects.filter(entries__on__gt=anchor).exists()
    statement = Statement.objects.get(company__slug="acme", status="approved")
    hours = company_hours(statement.company, start=statement.starts_on, end=statement.ends_on)
    assert selectors.statement_figures(statement).total_hours == pytest.approx(hours.total)
    assert selectors.statement_figures(statement).total_minutes > 0
