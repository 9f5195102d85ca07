"""Cohorts, the programme templates they are generated from, their workshops and teaching material."""

from __future__ import annotations

import secrets
import uuid
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from binome.people.models import Person
from binome.territories.models import Territory


class Audience(models.TextChoices):
    MENTEES = "mentees", _("Mentees")
    MENTORS = "mentors", _("Mentors")
    BOTH = "both", _("Mentors and mentees")


class ItemKind(models.TextChoices):
    MENTOR_TRAINING = "mentor_training", _("Mentor training day")
    KICK_OFF = "kick_off", _("Kick-off")
    CODES_WORKSHOP = "codes_workshop", _("Workshop on professional and cultural codes")
    CV_INTERVIEW = "cv_interview", _("CV and interview practice")
    NETWORKING = "networking", _("Networking event")
    FIRST_MEETING = "first_meeting", _("Three-way first meeting with the coordinator")
    MID_POINT = "mid_point", _("Mid-point check-in")
    CLOSING = "closing", _("Closing event")


class ProgrammeTemplate(models.Model):
    """A curriculum, placed relative to a cohort's start. National when `territory` is empty;
    opening a territory clones one for it, so a territory can adapt its copy."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_weeks = models.PositiveSmallIntegerField(_("duration (weeks)"), default=26)
    is_default = models.BooleanField(
        _("default for new territories"), default=False, help_text=_("Cloned when a territory opens.")
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programme_templates",
        help_text=_("Empty: a national template."),
    )
    # Codes of the survey instruments its cohorts use (binome.surveys); empty means every
    # instrument. Codes rather than a relation: surveys build on cohorts, not the reverse.
    survey_plan = models.JSONField(_("survey plan"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme template")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="programme_template_unique_name"),
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_programme_template"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CurriculumItem(models.Model):
    template = models.ForeignKey(ProgrammeTemplate, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=150)
    offset_days = models.SmallIntegerField(
        _("days from the cohort's start"), help_text=_("Negative: before the start (mentor training).")
    )
    start_time = models.TimeField(_("usual start time"), default=time(18, 30))
    duration_minutes = models.PositiveSmallIntegerField(_("default duration (minutes)"), default=120)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.BOTH)

    class Meta:
        ordering = ["template", "offset_days", "pk"]
        verbose_name = _("curriculum item")

    def __str__(self) -> str:
        return self.title


class Cohort(models.Model):
    """Six months of duos in one territory, started and closed together."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        MATCHING = "matching", _("Matching")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    template = models.ForeignKey(
        ProgrammeTemplate,
        verbose_name=_("programme template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohorts",
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="cohort_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phase_label(self) -> str:
        """What the cohort's dates say today: upcoming, in progress, finished (closed once closed).

        The stored status is the workflow (matching done, duos confirmed): confirming the duos six
        weeks before the start must not make the cohort read "in progress"."""
        if self.status == self.Status.CLOSED:
            return str(self.get_status_display())
        today = timezone.localdate()
        if today < self.starts_on:
            return pgettext("cohort", "Upcoming")
        if today <= self.ends_on:
            return pgettext("cohort", "In progress")
        return pgettext("cohort", "Finished")


class Language(models.TextChoices):
    FR = "fr", "Français"
    EN = "en", "English"
    AR = "ar", "العربية"


class Resource(models.Model):
    """Teaching material attached to a curriculum item, so every event generated from it carries it."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        LINK = "link", _("Link")
        GUIDE = "guide", _("Short guide")

    item = models.ForeignKey(CurriculumItem, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="resources/", blank=True)
    body = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.BOTH)

    class Meta:
        ordering = ["item__offset_days", "title", "pk"]
        verbose_name = _("resource")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.url or self.file or self.body):
            raise ValidationError(_("A resource needs a link, a file or a text."))


def new_workshop_uid() -> str:
    return f"{uuid.uuid4()}@binome"


class Workshop(models.Model):
    """One dated event of a cohort's calendar, generated from a curriculum item and editable
    afterwards: the template is never touched."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="workshops")
    item = models.ForeignKey(
        CurriculumItem, verbose_name=_("curriculum item"), on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=150)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=150, blank=True)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.BOTH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    # RFC 5545: the UID stays for the life of the event; SEQUENCE grows with each change sent out.
    uid = models.CharField(max_length=80, unique=True, default=new_workshop_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("workshop")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class WorkshopInvitation(models.Model):
    """Someone invited to a workshop, and whether they came (empty until attendance is taken)."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="workshop_invitations")
    role = models.CharField(_("as"), max_length=6, choices=Role.choices)
    invited_at = models.DateTimeField(_("invited on"), default=timezone.now)
    present = models.BooleanField(_("present"), null=True, blank=True)

    class Meta:
        ordering = ["workshop", "pk"]
        verbose_name = _("workshop invitation")
        constraints = [models.UniqueConstraint(fields=["workshop", "person"], name="one_invitation_per_person")]

    def __str__(self) -> str:
        return f"{self.workshop} · {self.person}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private calendar subscription URL. Revoking deletes the row; regenerating makes a new token."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self) -> str:
        return str(self.user)
