"""Reads of sponsorship records: who may see which, ledger balances (aggregated in the database),
late invoices, and the figures of a skills-sponsorship statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from binome.accounts.access import scope_of
from binome.meetings import hours
from binome.meetings.models import COUNTED, Meeting
from binome.meetings.selectors import TRAINING_DAY_HOURS
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.people.models import MentorProfile
from binome.sponsorship.models import (
    Agreement,
    HourlyCostDeclaration,
    Invoice,
    LedgerEntry,
    Receipt,
    Statement,
    StatementLine,
)

Kind = LedgerEntry.Kind


# --- who may see what ----------------------------------------------------------------------
def companies_for_staff(user: Any) -> QuerySet[Organisation]:
    """Companies whose sponsorship records a staff member handles: national admins all, coordinators
    those of their territories."""
    scope = scope_of(user)
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    if scope.national_admin:
        return companies
    return companies.filter(territory_id__in=scope.territory_ids)


def companies_of_contact(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.COMPANY, pk__in=scope_of(user).company_ids)


def agreements_for_staff(user: Any) -> QuerySet[Agreement]:
    return Agreement.objects.filter(company__in=companies_for_staff(user)).select_related("company", "offer")


def agreements_of_contact(user: Any) -> QuerySet[Agreement]:
    return Agreement.objects.filter(company__in=companies_of_contact(user)).select_related("company", "offer")


def invoices_in(agreements: QuerySet[Agreement]) -> QuerySet[Invoice]:
    return with_payments(Invoice.objects.filter(agreement__in=agreements).select_related("agreement__company"))


def receipts_in(agreements: QuerySet[Agreement]) -> QuerySet[Receipt]:
    return Receipt.objects.filter(entry__agreement__in=agreements).select_related(
        "entry__agreement__company", "entry__invoice"
    )


def statements_for_staff(user: Any) -> QuerySet[Statement]:
    return Statement.objects.filter(company__in=companies_for_staff(user)).select_related(
        "company", "drafted_by", "approved_by"
    )


def approved_statements_of_contact(user: Any) -> QuerySet[Statement]:
    """A company contact sees their company's statements once staff approved them, never a draft."""
    return Statement.objects.filter(
        company__in=companies_of_contact(user), status=Statement.Status.APPROVED
    ).select_related("company", "approved_by")


def one(queryset: QuerySet[Any], pk: int) -> Any:
    """Fetch and authorise in one step: a record outside the queryset is not found (404)."""
    return get_object_or_404(queryset, pk=pk)


# --- the ledger ----------------------------------------------------------------------------
def _net(kind: str, prefix: str = "") -> Any:
    """Sum of one kind of entry minus the reversals of that kind, in cents (0 when none)."""
    amount = f"{prefix}amount_cents"
    kind_field, reverses_kind = f"{prefix}kind", f"{prefix}reverses__kind"
    plus = Coalesce(Sum(amount, filter=Q(**{kind_field: kind})), Value(0), output_field=IntegerField())
    minus = Coalesce(
        Sum(amount, filter=Q(**{kind_field: Kind.REVERSAL, reverses_kind: kind})),
        Value(0),
        output_field=IntegerField(),
    )
    return plus - minus


@dataclass(frozen=True)
class Totals:
    pledged: int = 0
    invoiced: int = 0
    paid: int = 0

    @property
    def outstanding(self) -> int:
        """Invoiced and not yet paid."""
        return self.invoiced - self.paid

    @property
    def balance(self) -> int:
        """Pledged and not yet paid."""
        return self.pledged - self.paid

    @property
    def to_invoice(self) -> int:
        return self.pledged - self.invoiced


def totals(entries: QuerySet[LedgerEntry]) -> Totals:
    row = entries.aggregate(pledged=_net(Kind.PLEDGE), invoiced=_net(Kind.INVOICE), paid=_net(Kind.PAYMENT))
    return Totals(**row)


def agreement_totals(agreement: Agreement) -> Totals:
    return totals(LedgerEntry.objects.filter(agreement=agreement))


def totals_by_agreement(agreements: QuerySet[Agreement]) -> dict[int, Totals]:
    """Each agreement's totals in one aggregate query (agreements without entries are absent)."""
    rows = (
        LedgerEntry.objects.filter(agreement__in=agreements)
        .values("agreement_id")
        .annotate(pledged=_net(Kind.PLEDGE), invoiced=_net(Kind.INVOICE), paid=_net(Kind.PAYMENT))
        .order_by()
    )
    return {r["agreement_id"]: Totals(pledged=r["pledged"], invoiced=r["invoiced"], paid=r["paid"]) for r in rows}


def balances_by_company(companies: QuerySet[Organisation]) -> list[tuple[Organisation, Totals]]:
    """One row per company with ledger entries, in one aggregate query (plus the companies)."""
    rows = (
        LedgerEntry.objects.filter(agreement__company__in=companies)
        .values("agreement__company_id")
        .annotate(pledged=_net(Kind.PLEDGE), invoiced=_net(Kind.INVOICE), paid=_net(Kind.PAYMENT))
        .order_by()
    )
    by_id = {
        r["agreement__company_id"]: Totals(pledged=r["pledged"], invoiced=r["invoiced"], paid=r["paid"]) for r in rows
    }
    return [(c, by_id[c.pk]) for c in companies.filter(pk__in=by_id).order_by("name")]


def with_payments(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate each invoice with `paid_cents` (payments net of their reversals), `cancelled` (its
    invoice entry was reversed) and `outstanding_cents`."""
    cancelled = LedgerEntry.objects.filter(invoice=OuterRef("pk"), kind=Kind.REVERSAL, reverses__kind=Kind.INVOICE)
    return invoices.annotate(paid_cents=_net(Kind.PAYMENT, prefix="entries__"), cancelled=Exists(cancelled))


def invoice_outstanding(invoice: Invoice) -> int:
    """What is left to pay on an invoice annotated by `with_payments` (0 once cancelled)."""
    return 0 if invoice.cancelled else invoice.amount_cents - invoice.paid_cents  # type: ignore[attr-defined]


def is_late(invoice: Invoice, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return invoice.due_on < today and invoice_outstanding(invoice) > 0


def late_invoices(invoices: QuerySet[Invoice], today: date | None = None) -> list[Invoice]:
    """Invoices past their due date with something left to pay (`outstanding_cents` set on each)."""
    today = today or timezone.localdate()
    late = []
    for invoice in with_payments(invoices.filter(due_on__lt=today)).order_by("due_on", "pk"):
        invoice.outstanding_cents = invoice_outstanding(invoice)  # type: ignore[attr-defined]
        if invoice.outstanding_cents > 0:  # type: ignore[attr-defined]
            late.append(invoice)
    return late


def ledger_of(agreements: QuerySet[Agreement]) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(agreement__in=agreements)
        .select_related("agreement__company", "invoice", "reverses", "created_by", "receipt")
        .annotate(was_reversed=Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk"))))
        .order_by("on", "pk")
    )


def declared_hourly_cost(company: Organisation) -> HourlyCostDeclaration | None:
    return HourlyCostDeclaration.objects.filter(company=company).select_related("declared_by").first()


# --- statements ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    employee_name: str
    training_minutes: int
    meeting_minutes: int
    workshop_minutes: int
    mentor_id: int | None = None
    phone_minutes: int = 0  # of the meeting minutes, meetings confirmed on the phone

    @property
    def phone_hours(self) -> float:
        return self.phone_minutes / 60

    @property
    def total_minutes(self) -> int:
        return self.training_minutes + self.meeting_minutes + self.workshop_minutes

    @property
    def training_hours(self) -> float:
        return self.training_minutes / 60

    @property
    def meeting_hours(self) -> float:
        return self.meeting_minutes / 60

    @property
    def workshop_hours(self) -> float:
        return self.workshop_minutes / 60

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60

    @property
    def days(self) -> float:
        return self.total_hours / TRAINING_DAY_HOURS


@dataclass(frozen=True)
class StatementFigures:
    statement: Statement
    lines: list[tuple[Line, int]]  # each employee's line and its valuation in cents

    @property
    def total_minutes(self) -> int:
        return sum(line.total_minutes for line, _v in self.lines)

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60

    @property
    def total_days(self) -> float:
        return self.total_hours / TRAINING_DAY_HOURS

    @property
    def commitment_days(self) -> int:
        return self.statement.commitment_days * len(self.lines)

    @property
    def percent(self) -> int:
        return round(100 * self.total_days / self.commitment_days) if self.commitment_days else 0

    @property
    def valuation_cents(self) -> int:
        return sum(value for _line, value in self.lines)

    @property
    def phone_hours(self) -> float:
        return sum(line.phone_minutes for line, _v in self.lines) / 60

    @property
    def period(self) -> hours.Period:
        return hours.Period(self.statement.starts_on, self.statement.ends_on)


def live_lines(company: Organisation, start: date, end: date) -> list[Line]:
    """Each employee's hours over the period, from the hours ledger; employees without any hour
    in the period are left out."""
    by_mentor = hours.tally_by_mentor(hours.ledger(period=hours.Period(start, end), company_ids=[company.pk]))
    names = {m.pk: m.person.full_name for m in MentorProfile.objects.filter(pk__in=by_mentor).select_related("person")}
    lines = [
        Line(
            employee_name=names[mentor_id],
            training_minutes=counted.training_minutes,
            meeting_minutes=counted.meeting_minutes,
            workshop_minutes=counted.workshop_minutes,
            mentor_id=mentor_id,
            phone_minutes=counted.phone_minutes,
        )
        for mentor_id, counted in by_mentor.items()
    ]
    return sorted((line for line in lines if line.total_minutes > 0), key=lambda line: line.employee_name)


def _stored(line: StatementLine) -> Line:
    return Line(
        employee_name=line.employee_name,
        training_minutes=line.training_minutes,
        meeting_minutes=line.meeting_minutes,
        workshop_minutes=line.workshop_minutes,
        mentor_id=line.mentor_id,
        phone_minutes=line.phone_minutes,
    )


def valuation_cents(minutes: int, hourly_cost_cents: int) -> int:
    return round(minutes * hourly_cost_cents / 60)


def statement_figures(statement: Statement) -> StatementFigures:
    """A draft shows today's figures; an approved statement shows the lines frozen at approval."""
    if statement.status == Statement.Status.APPROVED:
        lines = [_stored(line) for line in statement.lines.all()]
    else:
        lines = live_lines(statement.company, statement.starts_on, statement.ends_on)
    return StatementFigures(
        statement, [(line, valuation_cents(line.total_minutes, statement.hourly_cost_cents)) for line in lines]
    )


# --- the company portal ----------------------------------------------------------------------
def company_portal_figures(user: Any) -> dict[str, Any]:
    """What the company portal shows of sponsorship: agreements with their totals, late invoices,
    approved statements, the declared hourly cost; and counts of the duos of its employees
    (never a mentee's name or file)."""

    companies = companies_of_contact(user)
    agreements = agreements_of_contact(user).order_by("-starts_on", "-pk")
    duos = Duo.objects.filter(mentor__company__in=companies)
    totals_of = totals_by_agreement(agreements)
    return {
        "agreements": [(a, totals_of.get(a.pk, Totals())) for a in agreements],
        "late_invoices": late_invoices(invoices_in(agreements)),
        "statements": approved_statements_of_contact(user).order_by("-ends_on", "-pk"),
        "hourly_costs": [(c, declared_hourly_cost(c)) for c in companies],
        "outcomes": {
            "duos": duos.count(),
            "mentees": duos.values("mentee_id").distinct().count(),
            "met": Meeting.objects.filter(COUNTED, duo__in=duos).values("duo_id").distinct().count(),
            "completed": duos.filter(status=Duo.Status.COMPLETED).count(),
        },
    }
