"""Every write of the sponsorship app: agreements, the append-only ledger, numbered invoices and
receipts, hourly-cost declarations and statements. Each names who acted and is audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.audit import audit
from binome.organisations import services as relations
from binome.organisations.models import Organisation
from binome.sponsorship import selectors
from binome.sponsorship.models import (
    Agreement,
    DocumentCounter,
    HourlyCostDeclaration,
    Invoice,
    LedgerEntry,
    Offer,
    Receipt,
    Statement,
    StatementLine,
)

Status = Agreement.Status
Kind = LedgerEntry.Kind
LEDGER_VERBS: dict[str, audit.Verb] = {
    Kind.PLEDGE: audit.Verb.LEDGER_PLEDGE,
    Kind.INVOICE: audit.Verb.LEDGER_INVOICE,
    Kind.PAYMENT: audit.Verb.LEDGER_PAYMENT,
    Kind.REVERSAL: audit.Verb.LEDGER_REVERSAL,
}
PAYMENT_TERMS_DAYS = 30

# Which statuses an agreement may move to from each status.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SIGNED, Status.CANCELLED},
    Status.SIGNED: {Status.ACTIVE, Status.CANCELLED},
    Status.ACTIVE: {Status.ENDED, Status.CANCELLED},
    Status.ENDED: set(),
    Status.CANCELLED: set(),
}


# --- agreements ----------------------------------------------------------------------------
@transaction.atomic
def create_agreement(
    company: Organisation,
    *,
    offer: Offer,
    starts_on: date,
    ends_on: date,
    mentor_seats: int,
    actor: Actor,
    contribution_cents: int | None = None,
    override_reason: str = "",
    renews: Agreement | None = None,
) -> Agreement:
    """A draft agreement. The contribution is the offer's price unless overridden with a reason."""
    if not company.is_company:
        raise ValidationError(_("Only a company can sign a sponsorship agreement."))
    refusal = offer.refusal(company, mentor_seats)
    if refusal:
        raise ValidationError(refusal)
    price = offer.price_cents(mentor_seats)
    if contribution_cents is None:
        contribution_cents = price
    if contribution_cents != price and not override_reason.strip():
        raise ValidationError(_("Say why the contribution differs from the offer's price."))
    agreement = Agreement(
        company=company,
        offer=offer,
        starts_on=starts_on,
        ends_on=ends_on,
        mentor_seats=mentor_seats,
        contribution_cents=contribution_cents,
        override_reason=override_reason.strip() if contribution_cents != price else "",
        renews=renews,
        created_by=signed_in(actor),
    )
    if ends_on <= starts_on:
        raise ValidationError(_("The agreement must end after it starts."))
    agreement.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=agreement, contribution_cents=contribution_cents)
    return agreement


@transaction.atomic
def renew_agreement(previous: Agreement, *, actor: Actor) -> Agreement:
    """The next agreement: the same company, offer, seats and contribution, for the following period."""
    previous = Agreement.objects.select_for_update().get(pk=previous.pk)
    if previous.status in {Status.DRAFT, Status.CANCELLED}:
        raise ValidationError(_("Only a signed agreement can be renewed."))
    if Agreement.objects.filter(renews=previous).exists():
        raise ValidationError(_("This agreement has already been renewed."))
    length = previous.ends_on - previous.starts_on
    starts_on = previous.ends_on + timedelta(days=1)
    renewal = Agreement(
        company=previous.company,
        offer=previous.offer,
        starts_on=starts_on,
        ends_on=starts_on + length,
        mentor_seats=previous.mentor_seats,
        contribution_cents=previous.contribution_cents,
        override_reason=previous.override_reason,
        renews=previous,
        created_by=signed_in(actor),
    )
    renewal.save()
    audit.record(actor=actor, verb=audit.Verb.RENEWED, target=previous, renewal_id=renewal.pk)
    return renewal


@transaction.atomic
def move_agreement(agreement: Agreement, *, status: str, actor: Actor, signed_on: date | None = None) -> Agreement:
    """Change an agreement's status. Signing records the pledge of its contribution in the ledger;
    cancelling reverses the pledge, once nothing invoiced is left on the agreement."""
    agreement = Agreement.objects.select_for_update().select_related("offer", "company").get(pk=agreement.pk)
    if status not in TRANSITIONS.get(agreement.status, set()):
        raise ValidationError(
            _("An agreement that is %(from)s cannot become %(to)s.")
            % {"from": agreement.get_status_display(), "to": Status(status).label}
        )
    if status == Status.CANCELLED:
        if selectors.agreement_totals(agreement).invoiced > 0:
            raise ValidationError(_("Reverse the invoices of this agreement before cancelling it."))
        for pledge in agreement.entries.filter(kind=Kind.PLEDGE, reversed_by__isnull=True):
            _append(
                agreement,
                kind=Kind.REVERSAL,
                amount_cents=pledge.amount_cents,
                on=timezone.localdate(),
                actor=actor,
                reverses=pledge,
                note=str(_("Agreement cancelled")),
            )
    if status == Status.SIGNED:
        agreement.signed_on = signed_on or timezone.localdate()
    before = agreement.status
    agreement.status = status
    agreement.save(update_fields=["status", "signed_on"])
    audit.record(actor=actor, verb=audit.Verb.STATUS_CHANGED, target=agreement, before=before, after=status)
    if status == Status.SIGNED and agreement.contribution_cents > 0:
        signed = agreement.signed_on or timezone.localdate()
        _append(agreement, kind=Kind.PLEDGE, amount_cents=agreement.contribution_cents, on=signed, actor=actor)
    if status == Status.SIGNED and agreement.company.is_company:
        # The territory's pipeline follows the agreements: nobody has to move the company by hand.
        relations.record_signature(
            agreement.company,
            note=_("Agreement signed: %(agreement)s") % {"agreement": agreement},
            actor=actor,
        )
    return agreement


# --- the ledger ----------------------------------------------------------------------------
def _append(
    agreement: Agreement, *, kind: str, amount_cents: int, on: date, actor: Actor, **fields: Any
) -> LedgerEntry:
    if amount_cents <= 0:
        raise ValidationError(_("An amount must be more than zero."))
    entry = LedgerEntry.objects.create(
        agreement=agreement, kind=kind, amount_cents=amount_cents, on=on, created_by=signed_in(actor), **fields
    )
    audit.record(
        actor=actor, verb=LEDGER_VERBS[kind], target=entry, agreement_id=agreement.pk, amount_cents=amount_cents
    )
    return entry


def next_number(kind: str, year: int) -> int:
    """The next number of a kind of document for a year, without gaps. Must run inside the
    transaction that creates the document: the counter row stays locked until it commits, so
    two documents issued at once get consecutive numbers, and a rolled-back issue gives its
    number back."""
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def issue_invoice(
    agreement: Agreement,
    *,
    amount_cents: int,
    actor: Actor,
    issued_on: date | None = None,
    due_on: date | None = None,
    label: str = "",
) -> Invoice:
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status not in {Status.SIGNED, Status.ACTIVE, Status.ENDED}:
        raise ValidationError(_("Only a signed agreement can be invoiced."))
    if amount_cents <= 0:
        raise ValidationError(_("An amount must be more than zero."))
    left = selectors.agreement_totals(agreement).to_invoice
    if amount_cents > left:
        raise ValidationError(
            _("This is more than what is left to invoice on the pledge (%(left)s).") % {"left": euros(left)}
        )
    issued_on = issued_on or timezone.localdate()
    due_on = due_on or issued_on + timedelta(days=PAYMENT_TERMS_DAYS)
    if due_on < issued_on:
        raise ValidationError(_("An invoice cannot fall due before it is issued."))
    invoice = Invoice.objects.create(
        agreement=agreement,
        year=issued_on.year,
        sequence=next_number("invoice", issued_on.year),
        issued_on=issued_on,
        due_on=due_on,
        amount_cents=amount_cents,
        label=label,
        created_by=signed_in(actor),
    )
    _append(agreement, kind=Kind.INVOICE, amount_cents=amount_cents, on=issued_on, actor=actor, invoice=invoice)
    return invoice


@transaction.atomic
def record_payment(
    invoice: Invoice, *, amount_cents: int, actor: Actor, received_on: date | None = None, note: str = ""
) -> LedgerEntry:
    """A payment received against an invoice, and its numbered receipt."""
    agreement = Agreement.objects.select_for_update().get(pk=invoice.agreement_id)
    current = selectors.with_payments(Invoice.objects.filter(pk=invoice.pk)).get()
    left = selectors.invoice_outstanding(current)
    if amount_cents <= 0:
        raise ValidationError(_("An amount must be more than zero."))
    if amount_cents > left:
        raise ValidationError(
            _("This is more than what is left to pay on invoice %(number)s (%(left)s).")
            % {"number": invoice.number, "left": euros(left)}
        )
    received_on = received_on or timezone.localdate()
    entry = _append(
        agreement, kind=Kind.PAYMENT, amount_cents=amount_cents, on=received_on, actor=actor, invoice=invoice, note=note
    )
    Receipt.objects.create(
        entry=entry, year=received_on.year, sequence=next_number("receipt", received_on.year), issued_on=received_on
    )
    return entry


@transaction.atomic
def reverse_entry(entry: LedgerEntry, *, reason: str, actor: Actor, on: date | None = None) -> LedgerEntry:
    """Cancel an entry by appending its reversal. An entry is reversed at most once; a reversal
    is never reversed (record the entry again instead)."""
    Agreement.objects.select_for_update().get(pk=entry.agreement_id)  # one writer per agreement's ledger
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if not reason.strip():
        raise ValidationError(_("Say why the entry is reversed."))
    if entry.kind == Kind.REVERSAL:
        raise ValidationError(_("A reversal cannot itself be reversed: record the entry again."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."))
    agreement_totals = selectors.agreement_totals(entry.agreement)
    if entry.kind == Kind.INVOICE and entry.invoice_id is not None:
        invoice = selectors.with_payments(Invoice.objects.filter(pk=entry.invoice_id)).get()
        if invoice.paid_cents > 0:  # type: ignore[attr-defined]
            raise ValidationError(_("Reverse the payments of this invoice first."))
    if entry.kind == Kind.PLEDGE and agreement_totals.pledged - entry.amount_cents < agreement_totals.invoiced:
        raise ValidationError(_("More has been invoiced than would remain pledged: reverse invoices first."))
    return _append(
        entry.agreement,
        kind=Kind.REVERSAL,
        amount_cents=entry.amount_cents,
        on=on or timezone.localdate(),
        actor=actor,
        reverses=entry,
        invoice=entry.invoice,
        note=reason.strip()[:300],
    )


def euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{rest:02d} €".replace(",", "\u202f")


# --- hourly cost and statements ------------------------------------------------------------
@transaction.atomic
def declare_hourly_cost(company: Organisation, *, hourly_cost_cents: int, actor: Actor) -> HourlyCostDeclaration:
    if hourly_cost_cents <= 0:
        raise ValidationError(_("An amount must be more than zero."))
    declaration = HourlyCostDeclaration.objects.create(
        company=company, hourly_cost_cents=hourly_cost_cents, declared_by=signed_in(actor)
    )
    audit.record(actor=actor, verb=audit.Verb.DECLARED_HOURLY_COST, target=company, hourly_cost_cents=hourly_cost_cents)
    return declaration


@transaction.atomic
def draft_statement(
    company: Organisation,
    *,
    starts_on: date,
    ends_on: date,
    actor: Actor,
    hourly_cost_cents: int | None = None,
    commitment_days: int = 3,
) -> Statement:
    """A draft statement; the hourly cost defaults to the company's latest declaration."""
    if not company.is_company:
        raise ValidationError(_("Only a company has a skills-sponsorship statement."))
    if ends_on < starts_on:
        raise ValidationError(_("The period must end after it starts."))
    if hourly_cost_cents is None:
        declared = selectors.declared_hourly_cost(company)
        if declared is None:
            raise ValidationError(_("The company has not declared an hourly cost: enter one."))
        hourly_cost_cents = declared.hourly_cost_cents
    if hourly_cost_cents <= 0:
        raise ValidationError(_("An amount must be more than zero."))
    statement = Statement.objects.create(
        company=company,
        starts_on=starts_on,
        ends_on=ends_on,
        hourly_cost_cents=hourly_cost_cents,
        commitment_days=commitment_days,
        drafted_by=signed_in(actor),
    )
    audit.record(actor=actor, verb=audit.Verb.DRAFTED, target=statement)
    return statement


@transaction.atomic
def approve_statement(statement: Statement, *, actor: Actor, today: date | None = None) -> Statement:
    """Approve a draft once its period is over: its figures are computed one last time and frozen
    as lines. (`today`: the demo seed's day.)"""
    statement = Statement.objects.select_for_update().select_related("company").get(pk=statement.pk)
    if statement.status != Statement.Status.DRAFT:
        raise ValidationError(_("This statement is already approved."))
    if not statement.can_be_approved(today):
        raise ValidationError(
            _("This statement cannot be approved before its period ends (%(end)s): its hours could still change.")
            % {"end": date_format(statement.ends_on, "SHORT_DATE_FORMAT")}
        )
    lines = selectors.live_lines(statement.company, statement.starts_on, statement.ends_on)
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            mentor_id=line.mentor_id,
            employee_name=line.employee_name,
            training_minutes=line.training_minutes,
            meeting_minutes=line.meeting_minutes,
            workshop_minutes=line.workshop_minutes,
            phone_minutes=line.phone_minutes,
        )
        for line in lines
    )
    statement.status = Statement.Status.APPROVED
    statement.approved_by = signed_in(actor)
    statement.approved_at = timezone.now()
    statement.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(actor=actor, verb=audit.Verb.APPROVED, target=statement, lines=len(lines))
    return statement
