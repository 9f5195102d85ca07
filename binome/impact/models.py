"""Outcomes of the programme for its mentees, and the facts the KPIs are computed from.

Staff and survey answers write to the same tables through `binome.impact.services`; when a
survey fact disagrees with a staff-recorded one (same person and kind, different facts), both
rows stay and an `OutcomeConflict` waits for a staff decision: nothing is merged silently.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.pairing.models import Duo
from binome.people.models import Person
from binome.reference.models import Occupation, Sector


class Source(models.TextChoices):
    STAFF = "staff", _("Recorded by staff")
    SURVEY = "survey", _("Survey answer")


class Outcome(models.Model):
    """A professional opportunity a mentee obtained (or a report that they had none yet)."""

    class Kind(models.TextChoices):
        # The Definitions' list of concrete professional opportunities, then what is recorded
        # but does not count.
        CDI = "cdi", _("Permanent contract (CDI)")
        CDD = "cdd", _("Fixed-term contract (CDD)")
        INTERIM = "interim", _("Temporary work (intérim)")
        WORK_STUDY = "work_study", _("Work-study contract (alternance, apprentissage)")
        INTERNSHIP = "internship", _("Internship or work immersion (stage, PMSMP)")
        TRAINING = "training", _("Entry to a qualifying training")
        BUSINESS = "business", _("Created a business")
        INTERVIEW = "interview", _("Job interview (recorded, does not count)")
        NONE = "none", _("No opportunity yet (reported)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Counted")
        CONFLICT = "conflict", _("Waiting for a decision")
        DISCARDED = "discarded", _("Discarded after a decision")

    person = models.ForeignKey(Person, verbose_name=_("mentee"), on_delete=models.CASCADE, related_name="outcomes")
    duo = models.ForeignKey(
        Duo, verbose_name=_("duo"), on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("employer sector (NAF)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation (ROME)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    survey_ref = models.CharField(_("survey answer"), max_length=64, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("outcome")
        indexes = [models.Index(fields=["person", "kind", "date"], name="outcome_person_kind_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.date}"

    @property
    def counts(self) -> bool:
        return self.kind in OPPORTUNITY_KINDS


# Kinds that are a concrete professional opportunity (Definitions), and those that are a job or a training.
OPPORTUNITY_KINDS = frozenset(
    {
        Outcome.Kind.CDI,
        Outcome.Kind.CDD,
        Outcome.Kind.INTERIM,
        Outcome.Kind.WORK_STUDY,
        Outcome.Kind.INTERNSHIP,
        Outcome.Kind.TRAINING,
        Outcome.Kind.BUSINESS,
    }
)
JOB_OR_TRAINING_KINDS = frozenset(
    {
        Outcome.Kind.CDI,
        Outcome.Kind.CDD,
        Outcome.Kind.INTERIM,
        Outcome.Kind.WORK_STUDY,
        Outcome.Kind.TRAINING,
        Outcome.Kind.BUSINESS,
    }
)


class OutcomeConflict(models.Model):
    """A survey fact that disagrees with a staff-recorded one; staff keep one or keep both."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        KEEP_STAFF = "keep_staff", _("Keep the staff record")
        KEEP_SURVEY = "keep_survey", _("Keep the survey answer")
        KEEP_BOTH = "keep_both", _("Keep both")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="outcome_conflicts")
    staff_outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="+")
    survey_outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING)
    raised_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "pk"]
        verbose_name = _("outcome conflict")
        constraints = [
            models.UniqueConstraint(fields=["staff_outcome", "survey_outcome"], name="one_conflict_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.staff_outcome_id} / {self.survey_outcome_id}"


class NetworkReport(models.Model):
    """How many professional contacts (Definitions: in France, other than the mentor, in or close to
    the target field) a mentee reports at a date; network introductions count as well."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="network_reports")
    duo = models.ForeignKey(Duo, on_delete=models.SET_NULL, null=True, blank=True, related_name="network_reports")
    date = models.DateField(_("date"))
    contacts = models.PositiveSmallIntegerField(_("professional contacts"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    survey_ref = models.CharField(_("survey answer"), max_length=64, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("network report")
        indexes = [models.Index(fields=["person", "date"], name="network_person_date")]

    def __str__(self) -> str:
        return f"{self.contacts} · {self.date}"


class MentorSkillsScore(models.Model):
    """A mentor's self-assessed soft and intercultural skills, 0–100, before and after."""

    class Moment(models.TextChoices):
        BASELINE = "baseline", _("Before the programme")
        END = "end", _("At the end")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills_scores")
    duo = models.ForeignKey(Duo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    moment = models.CharField(_("moment"), max_length=8, choices=Moment.choices)
    score = models.FloatField(_("score (0–100)"))
    date = models.DateField(_("date"))
    survey_ref = models.CharField(_("survey answer"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("mentor skills score")
        indexes = [models.Index(fields=["person", "moment", "date"], name="skills_person_moment_date")]

    def __str__(self) -> str:
        return f"{self.moment} · {self.score}"


class Report(models.Model):
    """A report generated in the background: who asked, for what, how far it got, where the file is."""

    class Kind(models.TextChoices):
        COHORT = "cohort", _("Cohort")
        TERRITORY = "territory", _("Territory")
        COMPANY = "company", _("Company")
        FUNDER = "funder", _("Funders (aggregates only)")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", _("Spreadsheet (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being computed")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    target_id = models.PositiveIntegerField(null=True, blank=True)  # cohort, territory or company id
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )  # whose staff may open it; empty: national
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("impact report")

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id or ''} {self.format}"


class PublishedReport(models.Model):
    """A report issued once for an outside audience (funders, one company's contacts) for a closed
    period: its published cells (hidden ones null) and the PDF and XLSX bytes rendered from them,
    downloaded again as they were, so two downloads cannot be subtracted."""

    class Kind(models.TextChoices):
        FUNDER = "funder", _("Funders")
        COMPANY = "company", _("Company")

    class PeriodKind(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    kind = models.CharField(_("report"), max_length=8, choices=Kind.choices)
    company = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_reports",
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    number = models.PositiveIntegerField(_("number"))  # 1, 2, 3… per kind
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued on"), default=timezone.now)
    language = models.CharField(max_length=8)  # the PDF and XLSX were rendered in it
    cells = models.JSONField(_("published cells"))
    pdf = models.BinaryField()
    xlsx = models.BinaryField()

    class Meta:
        ordering = ["-period_end", "-number"]
        verbose_name = _("published report")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="published_report_number"),
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end"],
                condition=models.Q(company__isnull=True),
                name="published_funder_report_once",
            ),
            models.UniqueConstraint(
                fields=["company", "period_start", "period_end"],
                condition=models.Q(company__isnull=False),
                name="published_company_report_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} no. {self.number} ({self.period_start}–{self.period_end})"
