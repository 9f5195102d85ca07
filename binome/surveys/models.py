"""Survey instruments (versioned), waves scheduled from a cohort's dates, personal links, answers.

An instrument's questions belong to a version; once a version has answers it is frozen, and
changing a question creates a new version, so past answers keep pointing at the exact
question their respondent saw. Question texts are data (JSON keyed by language), not msgids.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import Cohort
from binome.pairing.models import Duo
from binome.people.models import Person


def localised(texts: dict[str, str] | None, language: str | None = None) -> str:
    """The text of a {"fr": …, "en": …, "ar": …} dict in the current language, else French, else any."""
    if not texts:
        return ""
    language = (language or get_language() or "fr")[:2]
    return texts.get(language) or texts.get("fr") or texts.get("en") or next(iter(texts.values()), "")


class Audience(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class Moment(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    MID = "mid", _("Mid-point")
    END = "end", _("End")
    FOLLOW6 = "follow6", _("Follow-up at 6 months")
    FOLLOW12 = "follow12", _("Follow-up at 12 months")


class Instrument(models.Model):
    """A questionnaire for one audience at one moment of the programme (e.g. mentee_end)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    audience = models.CharField(_("audience"), max_length=6, choices=Audience.choices)
    moment = models.CharField(_("moment"), max_length=8, choices=Moment.choices)
    title = models.JSONField(_("title"), default=dict)

    class Meta:
        ordering = ["audience", "code"]
        verbose_name = _("survey instrument")

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return localised(self.title)

    def current_version(self) -> InstrumentVersion | None:
        return self.versions.order_by("-number").first()


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    class Meta:
        ordering = ["instrument", "-number"]
        verbose_name = _("instrument version")
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="one_number_per_instrument")]

    def __str__(self) -> str:
        return f"{self.instrument.code} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        """A version that has answers never changes again."""
        return Answer.objects.filter(question__version=self).exists()


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


class Question(models.Model):
    """One question of one version. `choices` is a list of {"key": stable key, "label": {lang: text}};
    `show_if` is {"key": other question's key, "equals": value} or {"key": …, "in": [values]}
    (for a multiple-choice question, "in" holds when any chosen key is in the list)."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    section = models.SlugField(_("section"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    label = models.JSONField(_("question"), default=dict)
    help = models.JSONField(_("help text"), default=dict, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    min_value = models.IntegerField(_("minimum"), null=True, blank=True)
    max_value = models.IntegerField(_("maximum"), null=True, blank=True)
    min_label = models.JSONField(_("label of the minimum"), default=dict, blank=True)
    max_label = models.JSONField(_("label of the maximum"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    show_if = models.JSONField(_("shown if"), null=True, blank=True)

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("question")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="one_key_per_version")]

    def __str__(self) -> str:
        return f"{self.version} · {self.key}"

    @property
    def text(self) -> str:
        return localised(self.label)

    @property
    def help_text(self) -> str:
        return localised(self.help)

    def choice_options(self) -> list[tuple[str, str]]:
        return [(c["key"], localised(c["label"])) for c in self.choices]

    def choice_keys(self) -> set[str]:
        return {c["key"] for c in self.choices}

    def signature(self) -> dict[str, Any]:
        """Everything a respondent sees or that constrains an answer: equal signatures, same question."""
        return {
            f: getattr(self, f)
            for f in (
                "key",
                "order",
                "section",
                "kind",
                "label",
                "help",
                "choices",
                "min_value",
                "max_value",
                "min_label",
                "max_label",
                "required",
                "show_if",
            )
        }


class Wave(models.Model):
    """One instrument put to one cohort's members between two dates."""

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="waves")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="waves")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="waves")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        ordering = ["cohort", "opens_on", "instrument__audience"]
        verbose_name = _("survey wave")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "instrument"], name="one_wave_per_cohort_instrument"),
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="wave_closes_after"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.instrument.code}"

    def is_open_on(self, day: Any) -> bool:
        return self.opens_on <= day <= self.closes_on


class Invitation(models.Model):
    """One person asked to answer one wave. The personal links live in InvitationLink (hashed)."""

    class Role(models.TextChoices):
        MENTEE = "mentee", _("Mentee")
        MENTOR = "mentor", _("Mentor")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="survey_invitations")
    duo = models.ForeignKey(Duo, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_invitations")
    role = models.CharField(_("role"), max_length=6, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("link expires at"))
    sent_on = models.DateField(_("link sent on"), null=True, blank=True)
    last_contacted_on = models.DateField(_("last emailed on"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["wave", "person__last_name", "person__first_name", "pk"]
        verbose_name = _("survey invitation")
        constraints = [models.UniqueConstraint(fields=["wave", "person"], name="one_invitation_per_wave_person")]

    def __str__(self) -> str:
        return f"{self.wave} · {self.person_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def is_expired(self, now: Any = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class InvitationLink(models.Model):
    """A personal link: only the sha256 of its secret is stored; the raw token goes out by email.
    Every email issues a new link; earlier ones keep working until the invitation expires, unless
    staff send the link again (the person may have lost it, or forwarded it): then every earlier
    link is replaced and answers only with a page saying so."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey link")

    def __str__(self) -> str:
        return f"link {self.pk} of invitation {self.invitation_id}"


class Response(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Answered by the person")
        STAFF_INTERVIEW = "staff_interview", _("Entered by staff from a phone interview")

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="responses")
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.SELF)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("survey response")

    def __str__(self) -> str:
        return f"response {self.pk} to {self.invitation}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(_("value"))
    source = models.CharField(_("source"), max_length=16, choices=Response.Source.choices, default="self")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.question.key}={self.value!r}"
