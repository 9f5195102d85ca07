"""The programme's KPIs, computed in the database with honest denominators.

Every proportion is intent-to-treat: people who dropped out and people whose outcome is unknown
stay in the denominator, and the unknown count is shown beside the rate. A figure whose every
case is unknown has no rate ("unknown"), never 0. Each figure carries the definition in force.

A slice (cohort, territory, company, partner, year, and the viewer's territories) selects duos;
every KPI is one aggregate query over those duos (or their meetings, invitations), optionally
grouped by cohort or territory for the dashboards, whatever the number of people.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import ItemKind, Workshop, WorkshopInvitation
from binome.impact.models import (
    JOB_OR_TRAINING_KINDS,
    OPPORTUNITY_KINDS,
    MentorSkillsScore,
    NetworkReport,
    Outcome,
)
from binome.meetings.models import Meeting, NetworkIntroduction
from binome.meetings.selectors import TRAINING_DAY_HOURS, TRAINING_LEAD_DAYS
from binome.pairing.models import Duo
from binome.people.models import MentorProfile, Person
from binome.sourcing.models import Referral

Z95 = 1.959963984540054
#: A "no opportunity yet" or network answer counts for the end when given at most this long before it.
ANSWER_WINDOW_DAYS = 31
SIX_MONTHS_DAYS = 183
TWELVE_MONTHS_DAYS = 365
NETWORK_CONTACTS = 3
DAYS_PER_MONTH = 30.4375
DEFAULT_TARGETS = {"opportunity": 0.5, "network": 0.6}
ELIGIBLE_STATUSES = [
    Referral.Status.ELIGIBLE,
    Referral.Status.WAITLISTED,
    Referral.Status.ENROLLED,
    Referral.Status.MATCHED,
    Referral.Status.COMPLETED,
]


def targets() -> dict[str, float]:
    return {**DEFAULT_TARGETS, **getattr(settings, "IMPACT_TARGETS", {})}


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """95 % Wilson score interval of a proportion; None when there is no case."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str  # "proportion", "ratio" (e.g. meetings per duo-month) or "total"
    numerator: float
    denominator: float | None
    unknown: int
    rate: float | None
    interval: tuple[float, float] | None
    definition: str
    unit: str
    target: float | None = None

    @property
    def known(self) -> int:
        return int(self.denominator or 0) - self.unknown

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": str(self.label),
            "kind": self.kind,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unknown": self.unknown,
            "rate": None if self.rate is None else round(self.rate, 4),
            "interval": None if self.interval is None else [round(v, 4) for v in self.interval],
            "target": self.target,
            "unit": str(self.unit),
            "definition": str(self.definition),
        }


@dataclass(frozen=True)
class Slice:
    """Which duos a figure covers. `territory_ids` is the viewer's scope (None: everywhere)."""

    territory_id: int | None = None
    cohort_id: int | None = None
    company_id: int | None = None
    partner_id: int | None = None
    year: int | None = None
    territory_ids: frozenset[int] | None = None

    def duos(self) -> QuerySet[Duo]:
        qs = Duo.objects.all()
        if self.territory_ids is not None:
            qs = qs.filter(cohort__territory_id__in=self.territory_ids)
        if self.territory_id is not None:
            qs = qs.filter(cohort__territory_id=self.territory_id)
        if self.cohort_id is not None:
            qs = qs.filter(cohort_id=self.cohort_id)
        if self.company_id is not None:
            qs = qs.filter(mentor__company_id=self.company_id)
        if self.partner_id is not None:
            qs = qs.filter(
                mentee__person_id__in=Referral.objects.filter(partner_id=self.partner_id).values("person_id")
            )
        if self.year is not None:
            qs = qs.filter(cohort__starts_on__year=self.year)
        return qs

    def referrals(self) -> QuerySet[Referral] | None:
        """The referrals behind the funnel's first steps; None for a company (it refers nobody)."""
        if self.company_id is not None:
            return None
        qs = Referral.objects.all()
        if self.territory_ids is not None:
            qs = qs.filter(person__territory_id__in=self.territory_ids)
        if self.territory_id is not None:
            qs = qs.filter(person__territory_id=self.territory_id)
        if self.cohort_id is not None:
            qs = qs.filter(cohort_id=self.cohort_id)
        if self.partner_id is not None:
            qs = qs.filter(partner_id=self.partner_id)
        if self.year is not None:
            qs = qs.filter(referred_at__year=self.year)
        return qs


def _flag(q: Q) -> ExpressionWrapper:
    """A yes/no column that is never NULL (a NULL would be neither yes, no nor unknown)."""
    return ExpressionWrapper(q, output_field=BooleanField())


def _shift(expr: Any, days: int) -> Cast:
    return Cast(expr + timedelta(days=days), DateField())


def participants(duos: QuerySet[Duo]) -> QuerySet[Duo]:
    """Duos that held their first (confirmed) meeting: their mentees are the participants."""
    return duos.filter(Exists(Meeting.objects.filter(duo_id=OuterRef("pk"), confirmed_at__isnull=False)))


def _outcomes() -> QuerySet[Outcome]:
    return Outcome.objects.filter(person_id=OuterRef("mentee__person_id"), status=Outcome.Status.ACTIVE)


def _opportunity_rows(duos: QuerySet[Duo], today: date) -> QuerySet[Duo]:
    return (
        participants(duos)
        .filter(cohort__ends_on__lte=today)
        .annotate(
            yes=Exists(
                _outcomes().filter(
                    kind__in=OPPORTUNITY_KINDS,
                    date__gte=OuterRef("cohort__starts_on"),
                    date__lte=OuterRef("cohort__ends_on"),
                )
            ),
            no=Exists(
                _outcomes().filter(
                    kind=Outcome.Kind.NONE, date__gte=_shift(OuterRef("cohort__ends_on"), -ANSWER_WINDOW_DAYS)
                )
            ),
        )
    )


def _network_rows(duos: QuerySet[Duo], today: date) -> QuerySet[Duo]:
    introductions = (
        NetworkIntroduction.objects.filter(
            duo__cohort_id=OuterRef("cohort_id"),
            duo__mentee_id=OuterRef("mentee_id"),
            introduced_on__lte=OuterRef("cohort__ends_on"),
        )
        .order_by()
        .values("duo__mentee_id")
        .annotate(c=Count("pk"))
        .values("c")
    )
    reports = NetworkReport.objects.filter(
        person_id=OuterRef("mentee__person_id"),
        date__gte=_shift(OuterRef("cohort__ends_on"), -ANSWER_WINDOW_DAYS),
    )
    return (
        participants(duos)
        .filter(cohort__ends_on__lte=today)
        .annotate(
            n_introduced=Coalesce(Subquery(introductions), 0),
            reported_yes=Exists(reports.filter(contacts__gte=NETWORK_CONTACTS)),
            no=Exists(reports.filter(contacts__lt=NETWORK_CONTACTS)),
        )
        .annotate(yes=_flag(Q(n_introduced__gte=NETWORK_CONTACTS) | Q(reported_yes=True)))
    )


def _job_rows(days: int) -> Callable[[QuerySet[Duo], date], QuerySet[Duo]]:
    def rows(duos: QuerySet[Duo], today: date) -> QuerySet[Duo]:
        return (
            participants(duos)
            .filter(cohort__ends_on__lte=today - timedelta(days=days))
            .annotate(
                yes=Exists(
                    _outcomes().filter(
                        kind__in=JOB_OR_TRAINING_KINDS,
                        date__gte=OuterRef("cohort__starts_on"),
                        date__lte=_shift(OuterRef("cohort__ends_on"), days),
                    )
                ),
                no=Exists(
                    _outcomes().filter(
                        kind=Outcome.Kind.NONE,
                        date__gte=_shift(OuterRef("cohort__ends_on"), days - ANSWER_WINDOW_DAYS),
                    )
                ),
            )
        )

    return rows


def _completion_rows(duos: QuerySet[Duo], today: date) -> QuerySet[Duo]:
    return duos.filter(cohort__ends_on__lte=today, started_on__lte=today).annotate(
        yes=_flag(Q(status=Duo.Status.COMPLETED)), no=_flag(Q(status=Duo.Status.ENDED_EARLY))
    )


def _slice_member(duos: QuerySet[Duo], cohort_ref: str, person_ref: str) -> Q:
    members = duos.filter(cohort_id=OuterRef(cohort_ref))
    return Q(Exists(members.filter(mentor__person_id=OuterRef(person_ref)))) | Q(
        Exists(members.filter(mentee__person_id=OuterRef(person_ref)))
    )


def _workshop_rows(duos: QuerySet[Duo], today: date) -> QuerySet[WorkshopInvitation]:
    return (
        WorkshopInvitation.objects.filter(
            workshop__status=Workshop.Status.PLANNED,
            workshop__starts_at__lt=timezone.now(),
            workshop__cohort_id__in=duos.values("cohort_id"),
        )
        .filter(_slice_member(duos, "workshop__cohort_id", "person_id"))
        .annotate(
            yes=_flag(Q(present__isnull=False) & Q(present=True)),
            no=_flag(Q(present__isnull=False) & Q(present=False)),
        )
    )


def _skills_rows(duos: QuerySet[Duo], today: date) -> QuerySet[Duo]:
    scores = MentorSkillsScore.objects.filter(person_id=OuterRef("mentor__person_id")).order_by("-date", "-pk")
    before = scores.filter(moment=MentorSkillsScore.Moment.BASELINE, date__lte=OuterRef("cohort__ends_on"))
    after = scores.filter(moment=MentorSkillsScore.Moment.END, date__gte=OuterRef("cohort__starts_on"))
    return (
        duos.filter(cohort__ends_on__lte=today)
        .annotate(before=Subquery(before.values("score")[:1]), after=Subquery(after.values("score")[:1]))
        .annotate(
            yes=_flag(Q(after__isnull=False, before__isnull=False) & Q(after__gt=F("before"))),
            no=_flag(Q(after__isnull=False, before__isnull=False) & Q(after__lte=F("before"))),
        )
    )


@dataclass(frozen=True)
class Proportion:
    key: str
    label: Any
    definition: Any
    unit: Any
    rows: Callable[[QuerySet[Duo], date], QuerySet[Any]]
    count_field: str  # what one counted case is (distinct)
    person_field: str  # the person behind a case, for the traceability lists
    groups: dict[str, str] = field(default_factory=dict)


DUO_GROUPS = {"cohort": "cohort_id", "territory": "cohort__territory_id"}
PROPORTIONS = [
    Proportion(
        "opportunity",
        _("Concrete professional opportunity by the programme's end"),
        _(
            "Participants (mentees whose duo held a confirmed first meeting, drop-outs included) of cohorts "
            "that have ended, who started or signed a CDI, CDD, temporary work, work-study contract, internship "
            "or work immersion, entered a qualifying training or created a business between the cohort's start "
            "and end. A job interview alone does not count. Unknown: no such outcome and no 'none yet' answer "
            "given from 31 days before the end."
        ),
        _("participants"),
        _opportunity_rows,
        "mentee_id",
        "mentee__person_id",
        DUO_GROUPS,
    ),
    Proportion(
        "network",
        _("Relevant professional network at the end"),
        _(
            "Participants of cohorts that have ended with at least 3 professional contacts in France, other "
            "than the mentor, in or close to the target field: 3 network introductions recorded for the duo by "
            "the end, or an end answer (from 31 days before the end) reporting 3 or more. Unknown: fewer than "
            "3 introductions and no such answer."
        ),
        _("participants"),
        _network_rows,
        "mentee_id",
        "mentee__person_id",
        DUO_GROUPS,
    ),
    Proportion(
        "job_training_6",
        _("In a job or training within 6 months of the end"),
        _(
            "Participants of cohorts that ended at least 6 months ago who obtained a CDI, CDD, temporary "
            "work, work-study contract, a qualifying training or created a business between the cohort's "
            "start and 6 months after its end. Unknown: no such outcome and no 'none yet' answer at the "
            "follow-up."
        ),
        _("participants"),
        _job_rows(SIX_MONTHS_DAYS),
        "mentee_id",
        "mentee__person_id",
        DUO_GROUPS,
    ),
    Proportion(
        "job_training_12",
        _("In a job or training within 12 months of the end"),
        _(
            "As the 6-month figure, for cohorts that ended at least 12 months ago, with outcomes up to "
            "12 months after the end."
        ),
        _("participants"),
        _job_rows(TWELVE_MONTHS_DAYS),
        "mentee_id",
        "mentee__person_id",
        DUO_GROUPS,
    ),
    Proportion(
        "completion",
        _("Duos completed"),
        _(
            "Duos of cohorts that have ended: completed duos over all duos started. Unknown: duos still "
            "marked active or paused."
        ),
        _("duos"),
        _completion_rows,
        "pk",
        "mentee__person_id",
        DUO_GROUPS,
    ),
    Proportion(
        "workshops",
        _("Workshop attendance"),
        _(
            "Invitations of the duos' members to their cohort's workshops that have taken place (not "
            "cancelled): present over invited. Unknown: attendance not taken."
        ),
        _("invitations"),
        _workshop_rows,
        "pk",
        "person_id",
        {"cohort": "workshop__cohort_id", "territory": "workshop__cohort__territory_id"},
    ),
    Proportion(
        "mentor_skills",
        _("Mentors whose skills rose"),
        _(
            "Mentors of cohorts that have ended whose end-survey score of soft and intercultural skills is "
            "higher than their baseline score. Unknown: either survey missing."
        ),
        _("mentors"),
        _skills_rows,
        "mentor_id",
        "mentor__person_id",
        DUO_GROUPS,
    ),
]
BY_KEY = {p.key: p for p in PROPORTIONS}


def _grouped(qs: QuerySet[Any], group_field: str | None, **aggregates: Any) -> dict[Any, dict[str, Any]]:
    if group_field is None:
        return {None: qs.aggregate(**aggregates)}
    return {row.pop("g"): row for row in qs.order_by().annotate(g=F(group_field)).values("g").annotate(**aggregates)}


def _proportion(spec: Proportion, duos: QuerySet[Duo], today: date, group: str | None) -> dict[Any, Figure]:
    rows = spec.rows(duos, today)
    unit = spec.count_field
    distinct = unit != "pk"
    results = _grouped(
        rows,
        spec.groups[group] if group else None,
        # (aggregate aliases must differ from the annotations "yes" and "no" they read)
        n_all=Count(unit, distinct=distinct),
        n_yes=Count(unit, distinct=distinct, filter=Q(yes=True)),
        n_no=Count(unit, distinct=distinct, filter=Q(no=True) & Q(yes=False)),
    )
    goal = targets().get(spec.key)
    figures = {}
    for key, row in results.items():
        den, num, no = row["n_all"] or 0, row["n_yes"] or 0, row["n_no"] or 0
        unknown = max(0, den - num - no)
        known = den - unknown
        figures[key] = Figure(
            key=spec.key,
            label=spec.label,
            kind="proportion",
            numerator=num,
            denominator=den,
            unknown=unknown,
            rate=num / den if den and known else None,
            interval=wilson(num, den) if den and known else None,
            definition=spec.definition,
            unit=spec.unit,
            target=goal,
        )
    return figures


MEETINGS_DEFINITION = _(
    "Confirmed meetings held by the duos, over the months the duos ran (from their start to their end, the "
    "cohort's end or today, whichever comes first)."
)
HOURS_DEFINITION = _(
    "Skills-sponsorship hours delivered by the duos' mentors: confirmed meetings, workshops attended (not "
    "the training day) and the training day (7 hours) when taken up to 120 days before the cohort's start."
)


def _meetings_per_month(duos: QuerySet[Duo], today: date, group: str | None) -> dict[Any, Figure]:
    group_field = DUO_GROUPS[group] if group else None
    running = duos.filter(started_on__lte=today).annotate(
        span=ExpressionWrapper(
            Least(Coalesce("ended_on", "cohort__ends_on"), F("cohort__ends_on"), Value(today, DateField()))
            - F("started_on"),
            output_field=DurationField(),
        )
    )
    spans = _grouped(running, group_field, total_span=Sum("span"))
    meetings = _grouped(
        Meeting.objects.filter(confirmed_at__isnull=False, held_on__lte=today, duo__in=running.values("pk")),
        ("duo__" + group_field) if group_field else None,
        n=Count("pk"),
    )
    figures = {}
    for key, row in spans.items():
        span = row["total_span"] or timedelta(0)
        months = max(span.days, 0) / DAYS_PER_MONTH
        n = meetings.get(key, {}).get("n") or 0
        figures[key] = Figure(
            key="meetings",
            label=_("Meetings per duo per month"),
            kind="ratio",
            numerator=n,
            denominator=round(months, 1),
            unknown=0,
            rate=n / months if months else None,
            interval=None,
            definition=MEETINGS_DEFINITION,
            unit=_("duo-months"),
        )
    return figures


def _hours(duos: QuerySet[Duo], today: date, group: str | None) -> dict[Any, Figure]:
    group_field = DUO_GROUPS[group] if group else None
    minutes = _grouped(
        Meeting.objects.filter(confirmed_at__isnull=False, duo__in=duos.values("pk")),
        ("duo__" + group_field) if group_field else None,
        m=Sum("duration_minutes"),
    )
    workshop_rows = WorkshopInvitation.objects.filter(
        present=True,
        person__mentor_profile__isnull=False,
        workshop__status=Workshop.Status.PLANNED,
        workshop__cohort_id__in=duos.values("cohort_id"),
        workshop__starts_at__lt=timezone.now(),
    ).exclude(workshop__kind=ItemKind.MENTOR_TRAINING)
    workshop_rows = workshop_rows.filter(
        Exists(duos.filter(cohort_id=OuterRef("workshop__cohort_id"), mentor__person_id=OuterRef("person_id")))
    ).annotate(
        length=ExpressionWrapper(F("workshop__ends_at") - F("workshop__starts_at"), output_field=DurationField())
    )
    workshop_groups = {"cohort": "workshop__cohort_id", "territory": "workshop__cohort__territory_id"}
    workshops = _grouped(workshop_rows, workshop_groups[group] if group else None, d=Sum("length"))
    trained = _grouped(
        duos.filter(
            mentor__training_status=MentorProfile.Training.COMPLETED,
            mentor__trained_on__gte=_shift(F("cohort__starts_on"), -TRAINING_LEAD_DAYS),
            mentor__trained_on__lte=F("cohort__ends_on"),
        ),
        group_field,
        n=Count("mentor_id", distinct=True),
    )
    keys = set(minutes) | set(workshops) | set(trained)
    figures = {}
    for key in keys:
        hours = (minutes.get(key, {}).get("m") or 0) / 60
        hours += (workshops.get(key, {}).get("d") or timedelta(0)).total_seconds() / 3600
        hours += (trained.get(key, {}).get("n") or 0) * TRAINING_DAY_HOURS
        figures[key] = Figure(
            key="hours",
            label=_("Hours delivered"),
            kind="total",
            numerator=round(hours, 1),
            denominator=None,
            unknown=0,
            rate=None,
            interval=None,
            definition=HOURS_DEFINITION,
            unit=_("hours"),
        )
    return figures


KPI_KEYS = [*BY_KEY, "meetings", "hours"]


def compute(
    slice_: Slice, *, today: date | None = None, group: str | None = None, keys: list[str] | None = None
) -> dict[Any, list[Figure]]:
    """Every KPI of a slice, in the order of KPI_KEYS; grouped by "cohort" or "territory" id if asked."""
    today = today or timezone.localdate()
    duos = slice_.duos()
    wanted = keys or KPI_KEYS
    by_key: dict[str, dict[Any, Figure]] = {}
    for key in wanted:
        if key in BY_KEY:
            by_key[key] = _proportion(BY_KEY[key], duos, today, group)
        elif key == "meetings":
            by_key[key] = _meetings_per_month(duos, today, group)
        elif key == "hours":
            by_key[key] = _hours(duos, today, group)
    groups = {g for figures in by_key.values() for g in figures} if group else {None}
    return {g: [by_key[k].get(g) or _blank(k) for k in wanted] for g in groups}


def _blank(key: str) -> Figure:
    """The figure of a group with no case for this KPI (0 of 0: no rate)."""
    if key in BY_KEY:
        spec = BY_KEY[key]
        return Figure(
            key, spec.label, "proportion", 0, 0, 0, None, None, spec.definition, spec.unit, targets().get(key)
        )
    if key == "meetings":
        return Figure(
            key, _("Meetings per duo per month"), "ratio", 0, 0.0, 0, None, None, MEETINGS_DEFINITION, _("duo-months")
        )
    return Figure(key, _("Hours delivered"), "total", 0.0, None, 0, None, None, HOURS_DEFINITION, _("hours"))


def figures(slice_: Slice, *, today: date | None = None) -> list[Figure]:
    """Every KPI of one slice, ungrouped."""
    return compute(slice_, today=today)[None]


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: Any
    count: int | None  # None: not applicable to this slice (a company refers nobody)


def funnel(slice_: Slice, *, today: date | None = None) -> list[FunnelStep]:
    """Referred → eligible → matched → first meeting → completed → opportunity, in people."""
    today = today or timezone.localdate()
    duos = slice_.duos()
    referrals = slice_.referrals()
    referred = eligible = None
    if referrals is not None:
        counts = referrals.aggregate(
            referred=Count("person_id", distinct=True),
            eligible=Count("person_id", distinct=True, filter=Q(status__in=ELIGIBLE_STATUSES)),
        )
        referred, eligible = counts["referred"], counts["eligible"]
    counts = duos.aggregate(
        matched=Count("mentee_id", distinct=True),
        completed=Count("mentee_id", distinct=True, filter=Q(status=Duo.Status.COMPLETED)),
    )
    met = participants(duos).aggregate(n=Count("mentee_id", distinct=True))["n"]
    opportunity = _proportion(BY_KEY["opportunity"], duos, today, None)[None].numerator
    return [
        FunnelStep("referred", _("Referred"), referred),
        FunnelStep("eligible", _("Eligible"), eligible),
        FunnelStep("matched", _("Matched"), counts["matched"]),
        FunnelStep("first_meeting", _("First meeting"), met),
        FunnelStep("completed", _("Completed"), counts["completed"]),
        FunnelStep("opportunity", _("Opportunity"), int(opportunity)),
    ]


PARTS = ("numerator", "denominator", "unknown")


def people_counted(slice_: Slice, key: str, part: str, *, today: date | None = None) -> QuerySet[Person]:
    """The people behind one figure's numerator, denominator or unknown count (traceability)."""
    spec = BY_KEY[key]
    rows = spec.rows(slice_.duos(), today or timezone.localdate())
    if part == "numerator":
        rows = rows.filter(yes=True)
    elif part == "unknown":
        rows = rows.filter(yes=False, no=False)
    return Person.objects.filter(pk__in=rows.values(spec.person_field)).order_by("last_name", "first_name", "pk")
