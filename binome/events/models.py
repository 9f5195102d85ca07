"""In-company events: awareness sessions, intercultural workshops, testimonies, job-datings."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.organisations.models import Organisation
from binome.people.models import Person
from binome.territories.models import Territory


class CompanyEvent(models.Model):
    """An event held at (or for) a company, open to its employees and to the programme's mentees."""

    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Awareness session")
        INTERCULTURAL = "intercultural", _("Intercultural workshop")
        TESTIMONY = "testimony", _("Testimony")
        JOB_DATING = "job_dating", _("Job-dating")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    company = models.ForeignKey(
        Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="company_events"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="company_events"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    place = models.CharField(_("place or link"), max_length=300)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A cancelled event stays on the books (who registered, why it was called off) but takes no
    # more registrations or attendance and is left out of every count of events held.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("in-company event")
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="company_event_capacity"),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True, cancellation_reason="")
                | (models.Q(cancelled_at__isnull=False) & ~models.Q(cancellation_reason="")),
                name="company_event_cancelled_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.company}"

    @property
    def day(self) -> date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class EventRegistration(models.Model):
    """An employee (a mentor of the company) or a mentee registered for an event, and whether they came."""

    class Audience(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        MENTEE = "mentee", _("Mentee")

    event = models.ForeignKey(CompanyEvent, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="event_registrations")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    present = models.BooleanField(_("present"), null=True, blank=True)
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["audience", "person__last_name", "person__first_name", "pk"]
        verbose_name = _("event registration")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_person")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.person_id} ({self.audience})"
