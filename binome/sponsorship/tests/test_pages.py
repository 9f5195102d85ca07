"""Sponsorship pages: staff work through them, scoped to their territories; a company contact sees
their own company only, and never a refugee."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from binome.accounts.models import Role, User
from binome.organisations.models import Organisation
from binome.sponsorship import services
from binome.sponsorship.models import Agreement, HourlyCostDeclaration, Invoice, LedgerEntry, Statement
from binome.sponsorship.tests.helpers import large_offer, signed_agreement
from conftest import PASSWORD, Cast

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _lyon_company(cast: Cast) -> Organisation:
    company = cast.dev.company
    assert company is not None
    return company


def _documents(company: Organisation) -> dict[str, int]:
    agreement = signed_agreement(company)
    invoice = services.issue_invoice(agreement, amount_cents=100_000, issued_on=date(2026, 1, 10), actor=None)
    payment = services.record_payment(invoice, amount_cents=40_000, received_on=date(2026, 2, 1), actor=None)
    statement = services.draft_statement(
        company, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30), hourly_cost_cents=5_000, actor=None
    )
    return {
        "agreement": agreement.pk,
        "invoice": invoice.pk,
        "receipt": payment.receipt.pk,
        "statement": statement.pk,
    }


def test_a_coordinator_creates_signs_invoices_and_is_paid_through_the_pages(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    offer = large_offer()
    response = client.post(
        "/staff/sponsorship/agreements/new/",
        {
            "company": cast.acme.pk,
            "offer": offer.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "mentor_seats": "6",
            "contribution": "",
            "override_reason": "",
        },
        **EN,
    )
    agreement = Agreement.objects.get(company=cast.acme)
    assert response.status_code == 302
    assert agreement.contribution_cents == 900_000
    client.post(
        f"/staff/sponsorship/agreements/{agreement.pk}/status/", {"status": "signed", "signed_on": "2026-01-05"}
    )
    client.post(
        f"/staff/sponsorship/agreements/{agreement.pk}/invoices/",
        {"amount": "4500.00", "issued_on": "2026-01-10", "due_on": "", "label": ""},
    )
    invoice = Invoice.objects.get()
    client.post(f"/staff/sponsorship/invoices/{invoice.pk}/payments/", {"amount": "1000", "received_on": "2026-02-01"})
    kinds = list(LedgerEntry.objects.filter(agreement=agreement).values_list("kind", "amount_cents"))
    assert kinds == [("pledge", 900_000), ("invoice", 450_000), ("payment", 100_000)]
    page = client.get(f"/staff/sponsorship/agreements/{agreement.pk}/", **EN)
    assert b'data-outstanding="350000"' in page.content
    # An overpayment is refused with a message, nothing recorded.
    client.post(f"/staff/sponsorship/invoices/{invoice.pk}/payments/", {"amount": "9999", "received_on": ""})
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    payment = LedgerEntry.objects.get(kind="payment")
    client.post(f"/staff/sponsorship/entries/{payment.pk}/reverse/", {"reason": "Bounced"})
    client.post(f"/staff/sponsorship/entries/{payment.pk}/reverse/", {"reason": "Twice"})
    assert LedgerEntry.objects.filter(kind="reversal").count() == 1
    renewal = client.post(f"/staff/sponsorship/agreements/{agreement.pk}/renew/")
    new = Agreement.objects.get(renews=agreement)
    assert renewal["Location"] == f"/staff/sponsorship/agreements/{new.pk}/"


def test_bad_agreement_input_re_renders_the_form_with_its_message(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).post(
        "/staff/sponsorship/agreements/new/",
        {
            "company": cast.boulangerie.pk,
            "offer": large_offer().pk,
            "starts_on": "2026-01-01",
            "ends_on": "2025-12-31",
            "mentor_seats": "x",
        },
        **EN,
    )
    assert response.status_code == 400
    assert b"The agreement must end after it starts." in response.content
    assert not Agreement.objects.exists()


def test_a_lyon_coordinator_gets_404_on_a_paris_companys_agreement_and_documents(cast: Cast, client_for: Any) -> None:
    ids = _documents(cast.acme)
    client = client_for(cast.lucie)
    for url in [
        f"/staff/sponsorship/agreements/{ids['agreement']}/",
        f"/staff/sponsorship/invoices/{ids['invoice']}/pdf/",
        f"/staff/sponsorship/receipts/{ids['receipt']}/pdf/",
        f"/staff/sponsorship/statements/{ids['statement']}/",
        f"/staff/sponsorship/statements/{ids['statement']}/pdf/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/staff/sponsorship/agreements/{ids['agreement']}/renew/").status_code == 404
    # The Lyon coordinator cannot pick a Paris company for a new agreement either.
    response = client.post(
        "/staff/sponsorship/agreements/new/",
        {
            "company": cast.acme.pk,
            "offer": large_offer().pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "mentor_seats": "5",
        },
    )
    assert response.status_code == 400
    assert Agreement.objects.filter(company=cast.acme).count() == 1


def test_the_lyon_coordinators_export_holds_only_lyon(cast: Cast, client_for: Any) -> None:
    _documents(cast.acme)
    _documents(_lyon_company(cast))
    response = client_for(cast.lucie).get("/staff/sponsorship/ledger.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    companies = {row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert companies == {"Rhône Data"}


def test_a_company_contact_downloads_their_own_documents_and_gets_404_on_another_companys(
    cast: Cast, client_for: Any
) -> None:
    own, other = _documents(cast.acme), _documents(_lyon_company(cast))
    client = client_for(cast.hugo)
    # A draft statement is not the company's yet.
    assert client.get(f"/company/statements/{own['statement']}/pdf/").status_code == 404
    services.approve_statement(Statement.objects.get(pk=own["statement"]), actor=cast.amara)
    services.approve_statement(Statement.objects.get(pk=other["statement"]), actor=cast.lucie)
    for kind, url in [
        ("agreement", "/company/agreements/{}/"),
        ("invoice", "/company/invoices/{}/pdf/"),
        ("receipt", "/company/receipts/{}/pdf/"),
        ("statement", "/company/statements/{}/pdf/"),
    ]:
        mine = client.get(url.format(own[kind]))
        assert mine.status_code == 200, url
        if kind != "agreement":
            assert mine["Content-Type"] == "application/pdf"
            assert len(PdfReader(io.BytesIO(mine.content)).pages) >= 1
        assert client.get(url.format(other[kind])).status_code == 404, url


def test_a_company_contact_never_reaches_a_refugees_file(cast: Cast, client_for: Any) -> None:
    ids = _documents(cast.acme)
    services.approve_statement(Statement.objects.get(pk=ids["statement"]), actor=cast.amara)
    client = client_for(cast.hugo)
    assert client.get(f"/staff/people/{cast.chloe.person_id}/").status_code == 404
    assert client.get(f"/mentee/duos/{cast.paris_duo.pk}/").status_code == 404
    assert client.get(f"/staff/duos/{cast.paris_duo.pk}/").status_code == 404
    portal = client.get("/company/", **EN)
    agreement = client.get(f"/company/agreements/{ids['agreement']}/", **EN)
    for page in (portal, agreement):
        assert page.status_code == 200
        for word in (b"Chlo", b"Haddad", b"Le\xc3\xafla"):
            assert word not in page.content


def test_the_company_portal_shows_agreement_balance_statements_and_duo_counts(cast: Cast, client_for: Any) -> None:
    ids = _documents(cast.acme)
    services.approve_statement(Statement.objects.get(pk=ids["statement"]), actor=cast.amara)
    _documents(_lyon_company(cast))
    page = client_for(cast.hugo).get("/company/", **EN)
    text = page.content.decode()
    assert f"/company/agreements/{ids['agreement']}/" in text
    assert f"/company/statements/{ids['statement']}/pdf/" in text
    assert "600.00" in text  # outstanding: 1,000.00 invoiced, 400.00 paid
    assert 'class="late"' in text  # due on 2026-02-09, not fully paid
    assert 'id="outcomes"' in text
    assert "Rhône Data" not in text


def test_a_company_contact_declares_the_hourly_cost_of_their_company_only(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.hugo)
    assert client.post(f"/company/{cast.acme.pk}/hourly-cost/", {"hourly_cost": "42.50"}).status_code == 302
    assert client.post(f"/company/{_lyon_company(cast).pk}/hourly-cost/", {"hourly_cost": "1"}).status_code == 404
    assert list(HourlyCostDeclaration.objects.values_list("company_id", "hourly_cost_cents")) == [(cast.acme.pk, 4250)]
    client.post(f"/company/{cast.acme.pk}/hourly-cost/", {"hourly_cost": "-3"})
    assert HourlyCostDeclaration.objects.count() == 1


def test_staff_draft_and_approve_a_statement_through_the_pages(cast: Cast, client_for: Any) -> None:
    services.declare_hourly_cost(cast.acme, hourly_cost_cents=4_000, actor=cast.hugo)
    client = client_for(cast.amara)
    response = client.post(
        "/staff/sponsorship/statements/",
        {
            "company": cast.acme.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "hourly_cost": "",
            "commitment_days": "3",
        },
    )
    statement = Statement.objects.get()
    assert response["Location"] == f"/staff/sponsorship/statements/{statement.pk}/"
    assert statement.hourly_cost_cents == 4_000
    client.post(f"/staff/sponsorship/statements/{statement.pk}/approve/")
    statement.refresh_from_db()
    assert (statement.status, statement.approved_by) == ("approved", cast.amara)


def test_a_user_with_two_companies_sees_both_and_nothing_else(cast: Cast, client_for: Any) -> None:
    both = User.objects.create_user(email="group@holding.test", password=PASSWORD)
    Role.objects.create(user=both, kind=Role.Kind.COMPANY_CONTACT, organisation=cast.acme)
    Role.objects.create(user=both, kind=Role.Kind.COMPANY_CONTACT, organisation=cast.boulangerie)
    acme = _documents(cast.acme)
    lyon = _documents(_lyon_company(cast))
    client = client_for(both)
    assert client.get(f"/company/agreements/{acme['agreement']}/").status_code == 200
    assert client.get(f"/company/agreements/{lyon['agreement']}/").status_code == 404


def _portal_queries(client: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/company/", **EN).status_code == 200
    return len(captured)


def test_the_company_portal_costs_the_same_queries_for_one_agreement_or_three(cast: Cast, client_for: Any) -> None:
    _documents(cast.acme)
    client = client_for(cast.hugo)
    one = _portal_queries(client)
    for year in (2027, 2028):
        agreement = signed_agreement(cast.acme, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
        services.issue_invoice(agreement, amount_cents=1_000, issued_on=date(year, 1, 2), actor=None)
    assert _portal_queries(client) == one


def test_a_companys_staff_page_lists_its_agreements_and_starts_a_new_one_for_it(cast: Cast, client_for: Any) -> None:
    ids = _documents(cast.acme)
    client = client_for(cast.amara)
    page = client.get(f"/staff/organisations/{cast.acme.pk}/").content.decode()
    assert f"/staff/sponsorship/agreements/{ids['agreement']}/" in page
    form = client.get(f"/staff/sponsorship/agreements/new/?company={cast.acme.pk}").context["form"]
    assert form["company"].value() == str(cast.acme.pk)
    # Another territory's company is never preselected.
    lyon_company = cast.dev.company
    form = client.get(f"/staff/sponsorship/agreements/new/?company={lyon_company.pk}").context["form"]
    assert form["company"].value() is None
