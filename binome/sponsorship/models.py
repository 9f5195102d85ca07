"""Offers, agreements, the contributions ledger, invoices and receipts, skills-sponsorship statements.

Money is in integer cents. The ledger is append-only: a correction is a reversal entry that
points at the entry it cancels (once: `reverses` is unique). Invoice and receipt numbers come
from a per-year counter row locked inside the transaction that issues them.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.organisations.models import Organisation
from binome.people.models import MentorProfile


class Offer(models.Model):
    """What a company can sign up for, with its price rule. Set by national admins."""

    class Kind(models.TextChoices):
        LARGE = "large", _("Large-company programme")
        SME = "sme", _("Small-company (SME) offer")
        EVENTS = "events", _("In-company events")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    contribution_per_seat_cents = models.PositiveIntegerField(
        _("contribution per mentor seat (cents)"), help_text=_("For events: the price of one event.")
    )
    min_seats = models.PositiveIntegerField(_("minimum seats"), default=1)
    max_seats = models.PositiveIntegerField(_("maximum seats"), null=True, blank=True)
    eligible_size_bands = models.JSONField(
        _("eligible company sizes"), default=list, blank=True, help_text=_("Empty: every size.")
    )
    shared_cohorts = models.BooleanField(_("mentors join shared cohorts"), default=False)
    active = models.BooleanField(_("open to new agreements"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("offer")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_seats__isnull=True) | models.Q(max_seats__gte=models.F("min_seats")),
                name="offer_seat_range_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        bands = set(Organisation.SizeBand.values)
        if not isinstance(self.eligible_size_bands, list) or not set(self.eligible_size_bands) <= bands:
            raise ValidationError({"eligible_size_bands": _("Unknown company size.")})

    def price_cents(self, seats: int) -> int:
        """The default contribution for a number of seats (events: a number of events)."""
        return seats * self.contribution_per_seat_cents

    def refusal(self, company: Organisation, seats: int) -> str | None:
        """Why this offer does not fit this company and number of seats, or None."""
        if self.eligible_size_bands and company.size_band not in self.eligible_size_bands:
            return str(_("This offer is not open to companies of this size."))
        if seats < self.min_seats:
            return str(_("This offer needs at least %(n)s seats.") % {"n": self.min_seats})
        if self.max_seats is not None and seats > self.max_seats:
            return str(_("This offer allows at most %(n)s seats.") % {"n": self.max_seats})
        return None


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    company = models.ForeignKey(
        Organisation,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to={"kind": "company"},
    )
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="agreements")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    mentor_seats = models.PositiveIntegerField(_("mentor seats"))
    contribution_cents = models.PositiveIntegerField(_("contribution (cents)"))
    override_reason = models.TextField(_("why the contribution differs from the offer's price"), blank=True, default="")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    renews = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("agreement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="agreement_period_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "cancelled"]) | models.Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.offer} · {self.starts_on:%Y-%m-%d}"

    @property
    def is_overridden(self) -> bool:
        return self.contribution_cents != self.offer.price_cents(self.mentor_seats)


class DocumentCounter(models.Model):
    """The last number issued per kind of document and year; locked while a number is taken."""

    kind = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="document_counter_one_per_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Invoice(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="invoices")
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("invoice")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_number_unique"),
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="invoice_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"F{self.year}-{self.sequence:05d}"


class Receipt(models.Model):
    """The receipt of one payment (the ledger entry it acknowledges)."""

    entry = models.OneToOneField("LedgerEntry", on_delete=models.PROTECT, related_name="receipt")
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    issued_on = models.DateField(_("issued on"))

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("receipt")
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="receipt_number_unique")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"R{self.year}-{self.sequence:05d}"


class LedgerEntry(models.Model):
    """One line of the contributions ledger. Never updated, never deleted."""

    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("Pledge")
        INVOICE = "invoice", _("Invoice issued")
        PAYMENT = "payment", _("Payment received")
        REVERSAL = "reversal", _("Reversal")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    on = models.DateField(_("date"))
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="entries", verbose_name=_("invoice")
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(kind="reversal", reverses__isnull=False)
                | (~models.Q(kind="reversal") & models.Q(reverses__isnull=True)),
                name="ledger_reversal_points_at_its_entry",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["invoice", "payment"]) | models.Q(invoice__isnull=False),
                name="ledger_invoice_and_payment_name_the_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_cents / 100:.2f} ({self.on})"


class HourlyCostDeclaration(models.Model):
    """The hourly cost of an employee's time a company declares, for valuing its hours. Latest wins."""

    company = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="hourly_costs")
    hourly_cost_cents = models.PositiveIntegerField(_("hourly cost (cents)"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("hourly cost declaration")

    def __str__(self) -> str:
        return f"{self.company_id}: {self.hourly_cost_cents}"


class Statement(models.Model):
    """A skills-sponsorship statement for one company and period. Its lines are frozen at approval."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    company = models.ForeignKey(Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    commitment_days = models.PositiveIntegerField(_("commitment per employee (days)"), default=3)
    hourly_cost_cents = models.PositiveIntegerField(_("hourly cost (cents)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ends_on", "-pk"]
        verbose_name = _("skills-sponsorship statement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="statement_period_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(approved_at__isnull=False),
                name="statement_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.starts_on} – {self.ends_on}"

    def can_be_approved(self, today: date | None = None) -> bool:
        """A statement is approved once its period is over: its hours can no longer change."""
        return self.status == self.Status.DRAFT and self.ends_on < (today or timezone.localdate())


class StatementLine(models.Model):
    """One employee's frozen figures, in minutes (exact; hours are minutes / 60)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.SET_NULL, null=True, related_name="+")
    employee_name = models.CharField(max_length=300)
    training_minutes = models.PositiveIntegerField()
    meeting_minutes = models.PositiveIntegerField()
    workshop_minutes = models.PositiveIntegerField()
    # Of the meeting minutes, those of meetings a member confirmed on the phone to a coordinator.
    phone_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["employee_name", "pk"]

    def __str__(self) -> str:
        return self.employee_name

    @property
    def total_minutes(self) -> int:
        return self.training_minutes + self.meeting_minutes + self.workshop_minutes
