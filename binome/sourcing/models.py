"""Sourcing: how refugees and mentors arrive, with consent, eligibility and a screening history."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import Cohort
from binome.lib.encryption.fields import EncryptedTextField
from binome.organisations.models import Organisation
from binome.people.models import MentorProfile, Person
from binome.reference.models import CefrLevel, Place
from binome.territories.models import Territory


class Referral(models.Model):
    """A partner's referral of a refugee, and where that person stands in the pipeline."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONTACTED = "contacted", _("Contacted")
        INTERVIEW_SCHEDULED = "interview_scheduled", _("Interview scheduled")
        INTERVIEWED = "interviewed", _("Interviewed")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Ineligible")
        WAITLISTED = "waitlisted", _("Waitlisted")
        ENROLLED = "enrolled", _("Enrolled in a cohort")
        MATCHED = "matched", _("Matched")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left the programme")

    class Source(models.TextChoices):
        PARTNER_PORTAL = "partner", _("Partner portal")
        PUBLIC_FORM = "public", _("Public application form")
        IMPORT = "import", _("Spreadsheet import")
        STAFF = "staff", _("Entered by staff")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
        help_text=_("Empty for people who applied through the public form."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    reason = EncryptedTextField(_("referral reason"), blank=True)
    referred_at = models.DateTimeField(_("referred on"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed on"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PARTNER_PORTAL)
    # The referrer's own contact at the partner, so the coordinator knows whom to call back.
    referrer_name = models.CharField(_("referrer's name"), max_length=150, blank=True)
    referrer_email = models.EmailField(_("referrer's email"), blank=True)
    referrer_phone = models.CharField(_("referrer's phone"), max_length=30, blank=True)
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
        help_text=_("The cohort the person is enrolled in, once enrolled."),
    )
    status_reason = EncryptedTextField(
        _("reason for the status"), blank=True, help_text=_("Why ineligible, waitlisted or left.")
    )
    precheck_override = EncryptedTextField(_("justification for overriding the eligibility pre-check"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_referrals",
    )
    import_batch = models.CharField(
        _("import"), max_length=32, blank=True, db_index=True, help_text=_("The spreadsheet import that created it.")
    )

    class Meta:
        ordering = ["-referred_at", "pk"]
        verbose_name = _("referral")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.person} ← {self.partner or _('public application')}"


class ReferralTransition(models.Model):
    """One step of a referral through the pipeline: who moved it, when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Referral.Status.choices)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = EncryptedTextField(_("note"), blank=True)
    # A step a decision went past without it happening (made eligible straight from "received":
    # no call, no interview), recorded so the history says so, with who decided and when.
    skipped = models.BooleanField(_("skipped"), default=False)
    # The day of the referrer's daily digest that told of this change (sourcing/digest.py);
    # empty until then.
    digested_on = models.DateField(_("told to the referrer on"), null=True, blank=True)
    # The digest's OutgoingMessage (a plain id, as the message keeps plain ids): a digest speaks
    # of several people, and erasing any of them deletes it (privacy/erasure.py).
    digest_message_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        indexes = [
            models.Index(fields=["at"], condition=models.Q(digested_on__isnull=True), name="transition_undigested")
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or '∅'} → {self.to_status}"


class ConsentText(models.Model):
    """A version of the consent text people agree to. Never edited once used: publish a new version."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    in_force_from = models.DateField(_("in force from"))
    body_fr = models.TextField(_("text in French"))
    body_en = models.TextField(_("text in English"))
    body_ar = models.TextField(_("text in Arabic"))

    class Meta:
        ordering = ["-in_force_from", "-pk"]
        verbose_name = _("consent text")

    def __str__(self) -> str:
        return self.version

    def body_for(self, language: str) -> str:
        return {"en": self.body_en, "ar": self.body_ar}.get(language[:2], self.body_fr)


class Consent(models.Model):
    """A person's consent to the programme processing their data, under one text version."""

    class Method(models.TextChoices):
        SIGNED_FORM = "signed_form", _("Signed paper form")
        ORAL_VIA_PARTNER = "oral_partner", _("Oral, collected by the partner")
        ONLINE_FORM = "online", _("Online form, ticked by the person")
        PARTNER_ATTESTATION = "attestation", _("Attested by the partner in an import")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    text = models.ForeignKey(ConsentText, verbose_name=_("consent text"), on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how it was obtained"), max_length=12, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded on"), default=timezone.now)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consent")

    def __str__(self) -> str:
        return f"{self.person_id} · {self.text_id} · {self.given_on}"


class EligibilityRules(models.Model):
    """A programme's eligibility criteria, as data. One row per territory; the row without a
    territory is the national default used where a territory has none of its own."""

    territory = models.OneToOneField(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        related_name="eligibility_rules",
        null=True,
        blank=True,
    )
    protection_statuses = models.JSONField(
        _("allowed protection statuses"), default=list, help_text=_("Empty means any status.")
    )
    require_right_to_work = models.BooleanField(_("right to work required"), default=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True, default=18)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_french_level = models.CharField(
        _("minimum French level"), max_length=6, choices=CefrLevel.choices, blank=True, default=CefrLevel.A2
    )
    max_distance_km = models.PositiveSmallIntegerField(
        _("maximum distance from the territory's centre (km)"),
        null=True,
        blank=True,
        help_text=_("Empty: the territory's own radius."),
    )
    places = models.ManyToManyField(
        Place,
        verbose_name=_("or one of these places"),
        blank=True,
        related_name="+",
        help_text=_("Living in one of these places also meets the residence rule."),
    )
    require_six_month_availability = models.BooleanField(_("available for the six months"), default=True)
    require_target_occupation = models.BooleanField(_("a professional project (target occupation)"), default=True)

    class Meta:
        verbose_name = _("eligibility rules")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(
                fields=["territory"], condition=models.Q(territory__isnull=True), name="one_national_rule_set"
            ),
        ]

    def __str__(self) -> str:
        return str(self.territory or _("National default"))


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class MentorInvitation(models.Model):
    """A company's secret enrolment link for one period: employees who open it enrol as mentors."""

    company = models.ForeignKey(
        Organisation,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="mentor_invitations",
        limit_choices_to={"kind": Organisation.Kind.COMPANY},
    )
    label = models.CharField(_("period"), max_length=100, help_text=_("For example “Spring 2027”."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    enrolled = models.ManyToManyField(MentorProfile, blank=True, related_name="invitations")

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("mentor invitation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="invitation_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.label}"


class TrainingSession(models.Model):
    """The one-day mentor training. Attending it (or a waiver) makes a mentor matchable."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="training_sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=20)
    facilitator = models.CharField(_("facilitator"), max_length=150, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("training session")

    def __str__(self) -> str:
        return f"{self.territory} · {self.starts_at:%Y-%m-%d}"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="training_attendances")
    present = models.BooleanField(_("present"), null=True, blank=True, help_text=_("Empty until attendance is taken."))

    class Meta:
        ordering = ["session", "mentor__person__last_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "mentor"], name="one_attendance_per_session")]

    def __str__(self) -> str:
        return f"{self.session} · {self.mentor_id}"


class PendingImport(models.Model):
    """A spreadsheet between its upload and its confirmation, on the staff import page.

    The upload is checked once, by the worker (`tasks.check_referral_import`); the page reads the
    stored result (files in IMPORT_PENDING_DIR named by `token`, see importing/pending.py) and
    shows this row's status meanwhile. No personal data here: the files hold it, and both go
    after a day or once imported."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        MAPPING = "mapping", _("Waiting for its columns to be matched")
        READY = "ready", _("Checked")
        FAILED = "failed", _("Could not be checked")

    token = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(default=0, help_text=_("Rows read, once checked."))
    # Column index (as text: JSON keys) → field key, "" for an ignored column; None until the
    # user has matched the file's columns (the mapping step).
    mapping = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pending import")

    def __str__(self) -> str:
        return f"{self.partner_id} · {self.status}"


class ImportMapping(models.Model):
    """How one partner's spreadsheets name Binôme's fields: a header (normalised) → the field it
    holds, or "" for a column to ignore. Remembered at each import's mapping step and proposed
    the next time; no personal data."""

    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="import_mappings")
    header = models.CharField(_("column header"), max_length=200)
    field = models.CharField(_("field"), max_length=40, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import column mapping")
        constraints = [models.UniqueConstraint(fields=["partner", "header"], name="one_mapping_per_partner_header")]

    def __str__(self) -> str:
        return f"{self.partner_id} · {self.header} → {self.field or '-'}"
