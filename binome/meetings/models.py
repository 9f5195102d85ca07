"""A duo's life in numbers: the meetings both members confirm, the introductions the mentor makes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.lib.encryption.fields import EncryptedTextField
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
    """One meeting of a duo. It counts once the other member confirmed it, in Binôme or on the phone
    to a coordinator (who records the member's name and why); never on the word of its author."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone")

    class Author(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")
        STAFF = "staff", _("Coordinator")

    class Confirmation(models.TextChoices):
        MENTOR = "mentor", _("by the mentor")
        MENTEE = "mentee", _("by the mentee")
        PHONE = "phone", _("by phone, to a coordinator")
        # Meetings a coordinator confirmed before phone confirmations were recorded: nobody knows
        # which member agreed, so they do not count.
        STAFF = "staff", _("by a coordinator, without a member's confirmation")

    duo = models.ForeignKey(Duo, verbose_name=_("duo"), on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(10), MaxValueValidator(480)]
    )
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    topics = models.JSONField(_("topics"), default=list, validators=[validate_topics])
    note = EncryptedTextField(_("note"), blank=True)  # encrypted at rest: what the duo talked about
    recorded_as = models.CharField(_("recorded by"), max_length=6, choices=Author.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True, db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_as = models.CharField(_("confirmed"), max_length=6, choices=Confirmation.choices, blank=True, default="")
    # A phone confirmation: the member who confirmed (their name as the coordinator heard it; the
    # coordinator is `confirmed_by`) and why it was not done in Binôme.
    phone_member_name = models.CharField(_("member who confirmed on the phone"), max_length=300, blank=True)
    phone_reason = EncryptedTextField(_("reason"), blank=True)  # encrypted at rest, like the note

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

    @property
    def counts(self) -> bool:
        """The rule of COUNTED, for a meeting already loaded."""
        if self.confirmed_at is None:
            return False
        if self.confirmed_as == self.Confirmation.PHONE:
            return True
        return self.confirmed_as in {self.Confirmation.MENTOR, self.Confirmation.MENTEE} and (
            self.confirmed_as != self.recorded_as
        )

    @property
    def by_phone(self) -> bool:
        return self.confirmed_as == self.Confirmation.PHONE

    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]


#: The meetings whose hours count: confirmed by the member who did not record it (either member
#: for a meeting a coordinator recorded), or by a member on the phone to a coordinator.
#: Unconfirmed, self-confirmed and coordinator-only confirmations never count.
COUNTED = models.Q(confirmed_at__isnull=False) & (
    models.Q(confirmed_as=Meeting.Confirmation.PHONE)
    | models.Q(confirmed_as=Meeting.Confirmation.MENTOR, recorded_as__in=[Meeting.Author.MENTEE, Meeting.Author.STAFF])
    | models.Q(confirmed_as=Meeting.Confirmation.MENTEE, recorded_as__in=[Meeting.Author.MENTOR, Meeting.Author.STAFF])
)


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


class EngagementRules(models.Model):
    """Thresholds that raise "needs attention" alerts. One row per territory; the row without a
    territory is the programme default."""

    territory = models.OneToOneField(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="engagement_rules",
    )
    first_meeting_days = models.PositiveSmallIntegerField(_("days to the first meeting"), default=14)
    silence_days = models.PositiveSmallIntegerField(_("days without a confirmed meeting"), default=21)
    missed_workshops = models.PositiveSmallIntegerField(_("workshops missed"), default=2)
    reminder_interval_days = models.PositiveSmallIntegerField(_("days between two reminders to a duo"), default=7)
    poor_checkin_score = models.PositiveSmallIntegerField(
        _("poor check-in score"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("A mid-point check-in answer at or below this score (on 1 to 5) alerts the coordinator."),
    )

    class Meta:
        verbose_name = _("engagement rules")
        verbose_name_plural = _("engagement rules")
        constraints = [
            models.UniqueConstraint(
                fields=["territory"], condition=models.Q(territory__isnull=True), name="one_default_engagement_rules"
            )
        ]

    def __str__(self) -> str:
        return str(self.territory or _("Programme default"))


class Alert(models.Model):
    """A duo that needs the coordinator's attention, and why. Resolved by hand or when the cause goes."""

    class Kind(models.TextChoices):
        NO_FIRST_MEETING = "no_first_meeting", _("No first meeting yet")
        SILENCE = "silence", _("No confirmed meeting for a while")
        MISSED_WORKSHOPS = "missed_workshops", _("Workshops missed")
        POOR_CHECKIN = "poor_checkin", _("Poor check-in answer")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SNOOZED = "snoozed", _("Snoozed")
        RESOLVED = "resolved", _("Resolved")

    duo = models.ForeignKey(Duo, verbose_name=_("duo"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("reason"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_on = models.DateField(_("raised on"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["raised_on", "pk"]
        verbose_name = _("alert")
        indexes = [models.Index(fields=["status", "raised_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["duo", "kind"],
                condition=models.Q(status__in=["open", "snoozed"]),
                name="one_live_alert_per_duo_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.duo_id} · {self.kind} · {self.status}"


class AlertNote(models.Model):
    """The history of an alert: what the coordinator noted or did, and what the system did."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20)  # raised, note, snoozed, resolved, reopened, auto_resolved, reminded
    text = EncryptedTextField(blank=True)  # the coordinator's note: encrypted at rest

    class Meta:
        ordering = ["pk"]  # the order things happened in, whatever the clocks said

    def __str__(self) -> str:
        return f"{self.alert_id} · {self.action}"


class Reminder(models.Model):
    """An email nudging a duo; the log that keeps reminders to at most one per duo per interval."""

    duo = models.ForeignKey(Duo, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField(db_index=True)
    kind = models.CharField(max_length=20, choices=Alert.Kind.choices)

    class Meta:
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.duo_id} · {self.sent_on}"
