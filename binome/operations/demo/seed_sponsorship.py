"""Demo sponsorship: offers, agreements over two years (Acme Conseil's renewed), pledges, invoices
and payments (one invoice late), an SME agreement, and an approved skills-sponsorship statement
for Acme Conseil covering the cohort of the demo mentor."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from binome.accounts.models import User
from binome.meetings.selectors import period_of
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.sponsorship import services
from binome.sponsorship.models import Agreement, Offer

if TYPE_CHECKING:
    from binome.operations.demo.seed import DemoSeeder


def _offers() -> dict[str, Offer]:
    return {
        "large": Offer.objects.create(
            name="Programme grandes entreprises",
            kind=Offer.Kind.LARGE,
            description="Cohortes dédiées, kick-off dans vos locaux, bilan annuel.",
            contribution_per_seat_cents=150_000,
            min_seats=5,
            eligible_size_bands=["mid", "large"],
        ),
        "sme": Offer.objects.create(
            name="Offre TPE-PME",
            kind=Offer.Kind.SME,
            description="Jusqu'à 3 mentors, cohortes partagées avec d'autres entreprises.",
            contribution_per_seat_cents=50_000,
            min_seats=1,
            max_seats=3,
            eligible_size_bands=["micro", "sme"],
            shared_cohorts=True,
        ),
        "events": Offer.objects.create(
            name="Événements en entreprise",
            kind=Offer.Kind.EVENTS,
            description="Sensibilisation, ateliers interculturels, témoignages, job-datings.",
            contribution_per_seat_cents=200_000,
        ),
    }


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _signed(company: Organisation, offer: Offer, seats: int, year: int, admin: User) -> Agreement:
    start, end = _year(year)
    agreement = services.create_agreement(
        company, offer=offer, starts_on=start, ends_on=end, mentor_seats=seats, actor=admin
    )
    return services.move_agreement(agreement, status="signed", signed_on=start - timedelta(days=20), actor=admin)


def seed_sponsorship(seeder: DemoSeeder) -> None:
    today = seeder.anchor
    # The current agreements' year: the one whose first quarter is over, so early payments are past.
    year = today.year if today >= date(today.year, 4, 1) else today.year - 1
    admin = User.objects.get(email="admin@demo.binome.fr")
    coordinator = User.objects.get(email="coord.paris@demo.binome.fr")
    offers = _offers()
    companies = {c.slug: c for c in Organisation.objects.filter(kind=Organisation.Kind.COMPANY)}

    current, bank, bakery = _this_years_agreements(companies, offers, year, admin)
    _invoices_in_date_order(current, bank, bakery, year, today, admin)
    _lyon_agreements(companies, offers, year, admin)
    _acme_statement(companies["acme"], admin, coordinator, today)


def _this_years_agreements(
    companies: dict[str, Organisation], offers: dict[str, Offer], year: int, admin: User
) -> tuple[Agreement, Agreement, Agreement]:
    """Acme Conseil's renewed agreement, the bank's and the bakery's (the SME offer), in force."""
    # Acme Conseil: last year's agreement, invoiced and paid, ended; renewed for this year.
    last = _signed(companies["acme"], offers["large"], 8, year - 1, admin)
    services.move_agreement(last, status="active", actor=admin)
    invoice = services.issue_invoice(
        last, amount_cents=last.contribution_cents, issued_on=date(year - 1, 2, 1), actor=admin
    )
    services.record_payment(
        invoice, amount_cents=last.contribution_cents, received_on=date(year - 1, 3, 3), actor=admin
    )
    services.move_agreement(last, status="ended", actor=admin)
    current = services.renew_agreement(last, actor=admin)
    current = services.move_agreement(current, status="signed", signed_on=date(year, 1, 8), actor=admin)
    services.move_agreement(current, status="active", actor=admin)
    bank = _signed(companies["banque-lumiere"], offers["large"], 10, year, admin)
    services.move_agreement(bank, status="active", actor=admin)
    bakery = _signed(companies["boulangerie-martin"], offers["sme"], 2, year, admin)  # the SME offer
    return current, bank, bakery


def _invoices_in_date_order(
    current: Agreement, bank: Agreement, bakery: Agreement, year: int, today: date, admin: User
) -> None:
    """In date order, so that their numbers follow the calendar; one paid in two instalments, one late."""
    half = current.contribution_cents // 2
    first = services.issue_invoice(current, amount_cents=half, issued_on=date(year, 1, 15), actor=admin)
    bakery_invoice = services.issue_invoice(
        bakery, amount_cents=bakery.contribution_cents, issued_on=date(year, 1, 20), actor=admin
    )
    bank_invoice = services.issue_invoice(
        bank, amount_cents=bank.contribution_cents, issued_on=date(year, 2, 1), actor=admin
    )
    services.record_payment(
        bakery_invoice, amount_cents=bakery.contribution_cents, received_on=date(year, 2, 5), actor=admin
    )
    services.record_payment(first, amount_cents=half, received_on=date(year, 2, 12), actor=admin)
    services.record_payment(bank_invoice, amount_cents=600_000, received_on=date(year, 3, 1), actor=admin)
    services.record_payment(
        bank_invoice, amount_cents=bank.contribution_cents - 600_000, received_on=date(year, 3, 20), actor=admin
    )
    # Acme Conseil's second invoice fell due three weeks ago and is unpaid: a late payment.
    services.issue_invoice(
        current,
        amount_cents=current.contribution_cents - half,
        issued_on=today - timedelta(days=51),
        label="Contribution, second versement",
        actor=admin,
    )


def _lyon_agreements(companies: dict[str, Organisation], offers: dict[str, Offer], year: int, admin: User) -> None:
    """A large company at a negotiated contribution, and an in-company event to invoice."""
    lyon = services.create_agreement(
        companies["lyonnaise-mecanique"],
        offer=offers["large"],
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        mentor_seats=6,
        contribution_cents=800_000,
        override_reason="Première année : contribution réduite, revue au renouvellement.",
        actor=admin,
    )
    services.move_agreement(lyon, status="signed", signed_on=date(year - 1, 12, 10), actor=admin)
    services.create_agreement(
        companies["pharma-confluence"],
        offer=offers["events"],
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        mentor_seats=1,
        actor=admin,
    )


def _acme_statement(acme: Organisation, admin: User, coordinator: User, today: date) -> None:
    """Acme Conseil declared its hourly cost; the statement of the demo mentor's cohort, up to
    yesterday if the cohort is still running, is approved (a statement waits for its period's end)."""
    services.declare_hourly_cost(acme, hourly_cost_cents=4_800, actor=admin)
    duo = Duo.objects.filter(mentor__company=acme, mentor__person__roles__user__email="mentor@demo.binome.fr")
    demo_duo = duo.select_related("cohort").first()
    if demo_duo is not None:
        start, end = period_of(demo_duo.cohort)
        end = min(end, today - timedelta(days=1))
        statement = services.draft_statement(acme, starts_on=start, ends_on=end, actor=coordinator)
        services.approve_statement(statement, actor=coordinator, today=today)
