"""Agreements, the contributions ledger and its arithmetic, reversals, late invoices, numbering."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from binome.audit.models import AuditEvent
from binome.sponsorship import selectors, services
from binome.sponsorship.models import Agreement, DocumentCounter, Invoice, LedgerEntry, Receipt
from binome.sponsorship.tests.helpers import large_offer, signed_agreement, sme_offer
from conftest import Cast


def test_an_agreement_costs_the_offers_price_per_seat_by_default(cast: Cast) -> None:
    agreement = services.create_agreement(
        cast.acme,
        offer=large_offer(),
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        mentor_seats=6,
        actor=cast.amara,
    )
    assert (agreement.contribution_cents, agreement.status, agreement.is_overridden) == (900_000, "draft", False)
    assert AuditEvent.objects.filter(verb="created", target_id=str(agreement.pk)).exists()


def test_a_different_contribution_needs_a_reason(cast: Cast) -> None:
    kwargs = {"offer": large_offer(), "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31), "mentor_seats": 5}
    with pytest.raises(ValidationError, match="Say why"):
        services.create_agreement(cast.acme, contribution_cents=500_000, actor=cast.amara, **kwargs)
    agreement = services.create_agreement(
        cast.acme, contribution_cents=500_000, override_reason="First year discount", actor=cast.amara, **kwargs
    )
    assert (agreement.contribution_cents, agreement.is_overridden) == (500_000, True)


def test_the_offers_rules_refuse_a_company_of_the_wrong_size_or_too_many_seats(cast: Cast) -> None:
    period = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31)}
    with pytest.raises(ValidationError, match="not open to companies of this size"):
        services.create_agreement(cast.boulangerie, offer=large_offer(), mentor_seats=5, actor=None, **period)
    with pytest.raises(ValidationError, match="at most 3"):
        services.create_agreement(cast.boulangerie, offer=sme_offer(), mentor_seats=4, actor=None, **period)
    sme = services.create_agreement(cast.boulangerie, offer=sme_offer(), mentor_seats=2, actor=None, **period)
    assert sme.contribution_cents == 100_000


def test_signing_records_the_pledge_and_the_status_moves_only_forward(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    assert agreement.signed_on == date(2026, 1, 5)
    assert list(agreement.entries.values_list("kind", "amount_cents")) == [("pledge", 750_000)]
    with pytest.raises(ValidationError, match="cannot become"):
        services.move_agreement(agreement, status="draft", actor=None)
    services.move_agreement(agreement, status="active", actor=None)
    services.move_agreement(agreement, status="ended", actor=None)
    with pytest.raises(ValidationError):
        services.move_agreement(agreement, status="active", actor=None)


def test_a_renewal_carries_seats_and_contribution_over_to_the_next_period(cast: Cast) -> None:
    first = signed_agreement(cast.acme, seats=6, contribution_cents=800_000, override_reason="Negotiated")
    renewal = services.renew_agreement(first, actor=cast.amara)
    assert (renewal.renews, renewal.mentor_seats, renewal.contribution_cents, renewal.status) == (
        first,
        6,
        800_000,
        "draft",
    )
    assert (renewal.starts_on, renewal.ends_on) == (date(2027, 1, 1), date(2027, 12, 31))
    with pytest.raises(ValidationError, match="already been renewed"):
        services.renew_agreement(first, actor=cast.amara)


def test_balances_follow_pledges_invoices_and_payments(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)  # pledge 7,500.00
    first = services.issue_invoice(agreement, amount_cents=500_000, issued_on=date(2026, 2, 1), actor=None)
    services.issue_invoice(agreement, amount_cents=250_000, issued_on=date(2026, 6, 1), actor=None)
    services.record_payment(first, amount_cents=300_000, received_on=date(2026, 3, 1), actor=None)
    totals = selectors.agreement_totals(agreement)
    assert (totals.pledged, totals.invoiced, totals.paid) == (750_000, 750_000, 300_000)
    assert (totals.outstanding, totals.balance, totals.to_invoice) == (450_000, 450_000, 0)
    with pytest.raises(ValidationError, match="more than what is left to invoice"):
        services.issue_invoice(agreement, amount_cents=1, actor=None)
    with pytest.raises(ValidationError, match="more than what is left to pay"):
        services.record_payment(first, amount_cents=200_001, actor=None)


def test_a_reversal_cancels_its_entry_once_and_is_never_reversed_itself(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    invoice = services.issue_invoice(agreement, amount_cents=500_000, issued_on=date(2026, 2, 1), actor=None)
    payment = services.record_payment(invoice, amount_cents=200_000, received_on=date(2026, 3, 1), actor=None)
    reversal = services.reverse_entry(payment, reason="Bounced transfer", actor=cast.amara)
    assert (reversal.kind, reversal.reverses, reversal.amount_cents) == ("reversal", payment, 200_000)
    totals = selectors.agreement_totals(agreement)
    assert (totals.paid, totals.outstanding) == (0, 500_000)
    with pytest.raises(ValidationError, match="already been reversed"):
        services.reverse_entry(payment, reason="Again", actor=cast.amara)
    with pytest.raises(ValidationError, match="cannot itself be reversed"):
        services.reverse_entry(reversal, reason="Oops", actor=cast.amara)
    # The database refuses a second reversal even if a service forgot to check.
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            agreement=agreement,
            kind="reversal",
            amount_cents=200_000,
            on=date(2026, 3, 2),
            reverses=payment,
            invoice=invoice,
        )


def test_an_invoice_with_payments_is_reversed_after_its_payments(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    invoice = services.issue_invoice(agreement, amount_cents=500_000, issued_on=date(2026, 2, 1), actor=None)
    payment = services.record_payment(invoice, amount_cents=100_000, actor=None)
    invoice_entry = agreement.entries.get(kind="invoice")
    with pytest.raises(ValidationError, match="payments of this invoice first"):
        services.reverse_entry(invoice_entry, reason="Wrong amount", actor=None)
    services.reverse_entry(payment, reason="Refunded", actor=None)
    services.reverse_entry(invoice_entry, reason="Wrong amount", actor=None)
    totals = selectors.agreement_totals(agreement)
    assert (totals.invoiced, totals.paid, totals.to_invoice) == (0, 0, 750_000)
    cancelled = selectors.with_payments(Invoice.objects.filter(pk=invoice.pk)).get()
    assert (cancelled.cancelled, selectors.invoice_outstanding(cancelled)) == (True, 0)


def test_a_pledge_cannot_be_reversed_below_what_was_invoiced(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    services.issue_invoice(agreement, amount_cents=100_000, actor=None)
    with pytest.raises(ValidationError, match="reverse invoices first"):
        services.reverse_entry(agreement.entries.get(kind="pledge"), reason="Cancelled", actor=None)


def test_ledger_entries_cannot_be_changed_in_the_database(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    pledge = agreement.entries.get()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=pledge.pk).update(amount_cents=1)
    assert LedgerEntry.objects.get(pk=pledge.pk).amount_cents == 750_000


def test_an_invoice_past_its_due_date_with_something_left_to_pay_is_late(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    paid = services.issue_invoice(agreement, amount_cents=100_000, issued_on=date(2026, 1, 10), actor=None)
    late = services.issue_invoice(agreement, amount_cents=200_000, issued_on=date(2026, 1, 10), actor=None)
    future = services.issue_invoice(agreement, amount_cents=300_000, issued_on=date(2026, 3, 1), actor=None)
    services.record_payment(paid, amount_cents=100_000, actor=None)
    services.record_payment(late, amount_cents=50_000, actor=None)
    found = selectors.late_invoices(Invoice.objects.all(), today=date(2026, 3, 15))
    assert [(i.pk, i.outstanding_cents) for i in found] == [(late.pk, 150_000)]
    assert future.due_on == date(2026, 3, 31)


def test_balances_by_company_are_one_row_per_company(cast: Cast, django_assert_max_num_queries: object) -> None:
    acme = signed_agreement(cast.acme)
    services.issue_invoice(acme, amount_cents=100_000, actor=None)
    signed_agreement(cast.boulangerie, offer=sme_offer(), seats=2)
    companies = selectors.companies_for_staff(cast.amara)
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        rows = selectors.balances_by_company(companies)
    assert [(c.name, t.pledged, t.invoiced, t.outstanding) for c, t in rows] == [
        ("Acme", 750_000, 100_000, 100_000),
        ("Boulangerie Martin", 100_000, 0, 0),
    ]


def test_invoice_and_receipt_numbers_run_per_year_without_gaps(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    numbers = [
        services.issue_invoice(agreement, amount_cents=10_000, issued_on=day, actor=None).number
        for day in [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 5), date(2027, 2, 1)]
    ]
    assert numbers == ["F2026-00001", "F2026-00002", "F2027-00001", "F2027-00002"]
    # A refused issue takes no number: the next one follows on.
    with pytest.raises(ValidationError):
        services.issue_invoice(
            agreement, amount_cents=10_000, issued_on=date(2027, 3, 1), due_on=date(2027, 1, 1), actor=None
        )
    assert services.issue_invoice(agreement, amount_cents=10_000, issued_on=date(2027, 3, 1), actor=None).number == (
        "F2027-00003"
    )
    invoice = Invoice.objects.get(year=2026, sequence=1)
    services.record_payment(invoice, amount_cents=5_000, received_on=date(2026, 12, 30), actor=None)
    services.record_payment(invoice, amount_cents=5_000, received_on=date(2027, 1, 2), actor=None)
    assert sorted(r.number for r in Receipt.objects.all()) == ["R2026-00001", "R2027-00001"]
    assert DocumentCounter.objects.get(kind="invoice", year=2027).last == 3


def test_only_a_signed_agreement_is_invoiced(cast: Cast) -> None:
    draft = services.create_agreement(
        cast.acme,
        offer=large_offer(),
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        mentor_seats=5,
        actor=None,
    )
    with pytest.raises(ValidationError, match="Only a signed agreement"):
        services.issue_invoice(draft, amount_cents=100, actor=None)
    assert not Agreement.objects.get(pk=draft.pk).entries.exists()


def test_cancelling_reverses_the_pledge_once_nothing_invoiced_is_left(cast: Cast) -> None:
    agreement = signed_agreement(cast.acme)
    invoice = services.issue_invoice(agreement, amount_cents=100_000, actor=None)
    with pytest.raises(ValidationError, match="Reverse the invoices"):
        services.move_agreement(agreement, status="cancelled", actor=cast.amara)
    services.reverse_entry(agreement.entries.get(invoice=invoice, kind="invoice"), reason="Void", actor=None)
    services.move_agreement(agreement, status="cancelled", actor=cast.amara)
    totals = selectors.agreement_totals(agreement)
    assert (totals.pledged, totals.invoiced, totals.balance) == (0, 0, 0)
    assert agreement.entries.filter(kind="reversal").count() == 2


def test_signing_an_agreement_moves_the_company_to_signed_in_its_pipeline_once(cast: Cast) -> None:
    from binome.organisations import services as relations
    from binome.organisations.models import CompanyRelation

    relations.move_company(
        cast.acme, stage="meeting", next_action="Send the draft", next_action_on=date(2026, 1, 20), actor=cast.amara
    )
    agreement = signed_agreement(cast.acme, actor=cast.amara)
    relation = CompanyRelation.objects.get(company=cast.acme)
    assert relation.stage == "signed"
    assert relation.next_action == "Send the draft"  # kept: the coordinator's plan is theirs
    change = relation.changes.first()
    assert change is not None
    assert (change.from_stage, change.to_stage, change.actor) == ("meeting", "signed", cast.amara)
    assert str(agreement) in change.note
    # Signing a renewal later adds no second move.
    services.move_agreement(services.renew_agreement(agreement, actor=cast.amara), status="signed", actor=cast.amara)
    assert relation.changes.filter(to_stage="signed").count() == 1


def test_a_company_outside_the_pipeline_enters_it_as_signed(cast: Cast) -> None:
    from binome.organisations.models import CompanyRelation

    CompanyRelation.objects.filter(company=cast.acme).delete()
    signed_agreement(cast.acme)
    relation = CompanyRelation.objects.get(company=cast.acme)
    assert relation.stage == "signed"
    assert relation.changes.get().from_stage == ""
