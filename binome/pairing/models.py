from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import Cohort
from binome.lib.encryption.fields import EncryptedTextField
from binome.people.models import MenteeProfile, MentorProfile


class Duo(models.Model):
    """A mentor and a mentee paired for a cohort."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="duos")
    mentor = models.ForeignKey(MentorProfile, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="duos")
    mentee = models.ForeignKey(MenteeProfile, verbose_name=_("mentee"), on_delete=models.PROTECT, related_name="duos")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    proposal = models.OneToOneField(
        "Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="duo", editable=False
    )
    # Encrypted at rest: the reasons can be health, housing or legal troubles.
    end_reason = EncryptedTextField(_("why the duo ended early"), blank=True)
    pause_reason = EncryptedTextField(_("why the duo is paused"), blank=True)
    # Each member decides what the other sees of their contact details.
    mentor_shares_email = models.BooleanField(_("mentor shares their email"), default=False)
    mentor_shares_phone = models.BooleanField(_("mentor shares their phone"), default=False)
    mentee_shares_email = models.BooleanField(_("mentee shares their email"), default=False)
    mentee_shares_phone = models.BooleanField(_("mentee shares their phone"), default=False)

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("duo")
        constraints = [
            # One live duo per mentee and cohort; a duo that ended early stays as history when
            # the coordinator pairs the mentee again.
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=models.Q(status__in=["active", "paused"]),
                name="one_live_duo_per_mentee_per_cohort",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor.person.first_name} & {self.mentee.person.first_name}"

    @property
    def is_live(self) -> bool:
        return self.status in {self.Status.ACTIVE, self.Status.PAUSED}


class MatchRun(models.Model):
    """One run of the matching engine for a cohort: what went in, with which settings, what came out.

    Inputs are snapshotted, so a proposal can be explained and reproduced after profiles change.
    Re-running creates a new run (the previous one stays for comparison); confirming a run turns
    its accepted proposals into duos, once.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        SUPERSEDED = "superseded", _("Superseded")

    class Mode(models.TextChoices):
        COVERAGE_FIRST = "coverage_first", _("Coverage first")
        QUALITY_FIRST = "quality_first", _("Quality first")

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="match_runs")
    number = models.PositiveIntegerField(_("run number"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    mode = models.CharField(_("priority"), max_length=16, choices=Mode.choices, default=Mode.COVERAGE_FIRST)
    engine_version = models.CharField(_("engine version"), max_length=20)
    weights = models.JSONField(_("weights"), default=dict)
    options = models.JSONField(_("engine options"), default=dict)
    inputs = models.JSONField(_("inputs snapshot"), default=dict)
    pins = models.JSONField(_("pinned pairs"), default=list, help_text=_("[mentee profile id, mentor profile id]"))
    forbids = models.JSONField(_("forbidden pairs"), default=list)
    unmatched = models.JSONField(_("unmatched people and reasons"), default=list)
    total_score = models.FloatField(_("total score"), default=0)
    solver = models.CharField(_("solver"), max_length=30, blank=True)
    seconds = models.FloatField(_("solve time (s)"), default=0)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cohort", "-number"]
        verbose_name = _("matching run")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="one_run_number_per_cohort"),
            # A cohort is confirmed once: a second confirmation fails at the database, not only in code.
            models.UniqueConstraint(
                fields=["cohort"], condition=models.Q(status="confirmed"), name="one_confirmed_run_per_cohort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · #{self.number}"


class Proposal(models.Model):
    """A duo the engine (or the coordinator, by a swap) proposes, with its exact explanation."""

    class Decision(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(MenteeProfile, verbose_name=_("mentee"), on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(MentorProfile, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    contributions = models.JSONField(_("contribution of each criterion"), default=dict)
    rank = models.PositiveIntegerField(_("mentor's rank for this mentee"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    swapped = models.BooleanField(_("changed by a swap"), default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PROPOSED)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("proposal")
        constraints = [models.UniqueConstraint(fields=["run", "mentee"], name="one_proposal_per_mentee_per_run")]

    def __str__(self) -> str:
        return f"{self.run}: {self.mentor_id} → {self.mentee_id}"
