"""Who may open the sponsorship pages: staff of the company's territory for agreements, the ledger,
documents and statements; a company contact for their own company's agreement, documents and
approved statements (404 on another company's)."""

from __future__ import annotations

from datetime import date
from typing import Any

from binome.portals.tests.policy_kit import LOGIN, STAFF_OBJECT_FOREIGN, STAFF_POST_ONLY, STAFF_SECTION, Policy, expect
from conftest import Cast


def sponsorship(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    """A signed, invoiced and partly paid agreement and an approved statement of Acme (Paris) or of
    the Lyon company of the cast."""
    from binome.sponsorship import services
    from binome.sponsorship.models import Agreement, Offer, Statement

    company = cast.dev.company if lyon else cast.acme
    offer, _created = Offer.objects.get_or_create(
        name="Matrix offer", defaults={"kind": "large", "contribution_per_seat_cents": 100_000}
    )
    agreement = Agreement.objects.filter(company=company, offer=offer).first()
    if agreement is None:
        agreement = services.create_agreement(
            company, offer=offer, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), mentor_seats=2, actor=None
        )
        services.move_agreement(agreement, status="signed", signed_on=date(2026, 1, 5), actor=None)
        invoice = services.issue_invoice(agreement, amount_cents=100_000, issued_on=date(2026, 1, 10), actor=None)
        services.record_payment(invoice, amount_cents=40_000, received_on=date(2026, 2, 1), actor=None)
        statement = services.draft_statement(
            company, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30), hourly_cost_cents=5_000, actor=None
        )
        services.approve_statement(statement, actor=None)
    invoice = agreement.invoices.get()
    entry = agreement.entries.get(kind="payment")
    return {
        "agreement": agreement.pk,
        "invoice": invoice.pk,
        "receipt": entry.receipt.pk,
        "entry": entry.pk,
        "statement": Statement.objects.filter(company=company).values_list("pk", flat=True)[0],
    }


def _on(key: str, expected: dict[str, int], foreign: dict[str, int]) -> Policy:
    return Policy(
        expected,
        own=lambda c: {"pk": sponsorship(c)[key]},
        foreign=lambda c: {"pk": sponsorship(c, lyon=True)[key]},
        expected_foreign=foreign,
    )


COMPANY_OWN = expect(403, anonymous=LOGIN, company_contact=200)
COMPANY_FOREIGN = expect(403, anonymous=LOGIN, company_contact=404)
COMPANY_POST_ONLY = expect(403, anonymous=LOGIN, company_contact=405)

POLICY: dict[str, Policy] = {
    **{
        name: Policy(STAFF_SECTION)
        for name in (
            "sponsorship:overview",
            "sponsorship:offers",
            "sponsorship:agreement_new",
            "sponsorship:statements",
            "sponsorship:ledger_xlsx",
        )
    },
    "sponsorship:agreement": _on("agreement", STAFF_SECTION, STAFF_OBJECT_FOREIGN),
    "sponsorship:invoice_pdf": _on("invoice", STAFF_SECTION, STAFF_OBJECT_FOREIGN),
    "sponsorship:receipt_pdf": _on("receipt", STAFF_SECTION, STAFF_OBJECT_FOREIGN),
    "sponsorship:statement": _on("statement", STAFF_SECTION, STAFF_OBJECT_FOREIGN),
    "sponsorship:statement_pdf": _on("statement", STAFF_SECTION, STAFF_OBJECT_FOREIGN),
    "sponsorship:agreement_status": _on("agreement", STAFF_POST_ONLY, STAFF_POST_ONLY),
    "sponsorship:agreement_renew": _on("agreement", STAFF_POST_ONLY, STAFF_POST_ONLY),
    "sponsorship:invoice_new": _on("agreement", STAFF_POST_ONLY, STAFF_POST_ONLY),
    "sponsorship:payment_new": _on("invoice", STAFF_POST_ONLY, STAFF_POST_ONLY),
    "sponsorship:entry_reverse": _on("entry", STAFF_POST_ONLY, STAFF_POST_ONLY),
    "sponsorship:statement_approve": _on("statement", STAFF_POST_ONLY, STAFF_POST_ONLY),
    "sponsorship:company_agreement": _on("agreement", COMPANY_OWN, COMPANY_FOREIGN),
    "sponsorship:company_invoice_pdf": _on("invoice", COMPANY_OWN, COMPANY_FOREIGN),
    "sponsorship:company_receipt_pdf": _on("receipt", COMPANY_OWN, COMPANY_FOREIGN),
    "sponsorship:company_statement_pdf": _on("statement", COMPANY_OWN, COMPANY_FOREIGN),
    "sponsorship:company_hours": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.acme.pk},
        foreign=lambda c: {"pk": c.dev.company_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "sponsorship:company_hourly_cost": Policy(
        COMPANY_POST_ONLY,
        own=lambda c: {"pk": c.acme.pk},
        foreign=lambda c: {"pk": c.dev.company_id},
        expected_foreign=COMPANY_POST_ONLY,
    ),
}
