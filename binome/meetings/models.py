"""A duo's life in numbers: the meetings both members confirm, the introductions the mentor makes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.pairing.models import Duo
from binome.reference.models import Sector


class Topic(models.TextChoices):
    CV = "cv", _("CV and cover letter")
    INTERVIEW = "interview", _("Interview practice")
    CODES = "codes", _("Professional and cultural codes")
    NETWORK = "network", _("Network introductions")
    FRENCH = "french", _("French practice")
    JOB_SEARCH = "job_search", _("Job search and applications")
    TRAINING = "training", _("Training and qualifications")
    OTHER = "other", _("Other")


def validate_topics(value: object) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or not value or any(t not in Topic.values for t in value):
        raise ValidationError(_("Choose at least one topic from the list."))


class Meeting(models.Model):
    """One meeting of a duo. It counts once the other member (or staff) has confirmed it."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone")

    class Author(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")
        STAFF = "staff", _("Coordinator")

    duo = models.ForeignKey(Duo, verbose_name=_("duo"), on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(10), MaxValueValidator(480)]
    )
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    topics = models.JSONField(_("topics"), default=list, validators=[validate_topics])
    note = models.TextField(_("note"), blank=True)
    recorded_as = models.CharField(_("recorded by"), max_length=6, choices=Author.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True, db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        indexes = [models.Index(fields=["duo", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=10, duration_minutes__lte=480), name="meeting_duration_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.duo_id} · {self.held_on}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]


class NetworkIntroduction(models.Model):
    """A professional contact the mentor introduced the mentee to: the mentee's network, made visible."""

    duo = models.ForeignKey(Duo, verbose_name=_("duo"), on_delete=models.CASCADE, related_name="introductions")
    introduced_on = models.DateField(_("date"))
    contact_role = models.CharField(_("the contact's job"), max_length=150)
    company = models.CharField(_("company"), max_length=150)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector (NAF)"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting_followed = models.BooleanField(_("they met or talked afterwards"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-introduced_on", "-pk"]
        verbose_name = _("network introduction")

    def __str__(self) -> str:
        return f"{self.duo_id} · {self.contact_role} ({self.company})"
