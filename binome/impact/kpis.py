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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Avg,
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
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import Cohort, Workshop, WorkshopInvitation
from binome.impact.models import (
    JOB_OR_TRAINING_KINDS,
    OPPORTUNITY_KINDS,
    MentorSkillsScore,
    NetworkReport,
    Outcome,
)
from binome.meetings import hours as hours_ledger
from binome.meetings.models import Meeting
from binome.pairing.models import Duo
from binome.people.models import Person
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
    label: str | Promise  # lazily translated: shown in the reader's language
    kind: str  # "proportion", "ratio" (e.g. meetings per duo-month) or "total"
    numerator: float
    denominator: float | None
    unknown: int
    rate: float | None
    interval: tuple[float, float] | None
    definition: str | Promise
    unit: str | Promise
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


# Each yes/no below is "this duo is in a set of duo ids" where the set is one uncorrelated query
# (joins evaluated once, then a hashed lookup per duo): a correlated EXISTS per row would be run
# 100,000 times at national scale.


def _with_outcome(duos: QuerySet[Duo], *, kinds: Any, since: Any, until: Any) -> QuerySet[Duo, Any]:
    """Duos whose mentee has a counted outcome of these kinds dated in [since, until]."""
    # Matched on the mentee profile's person id: going through `mentee__person__outcomes` would
    # join the people table (every person) for nothing.
    outcomes = Outcome.objects.filter(
        person_id=OuterRef("mentee__person_id"), status=Outcome.Status.ACTIVE, date__gte=since
    )
    if until is not None:
        outcomes = outcomes.filter(date__lte=until)
    outcomes = outcomes.filter(kind=kinds) if isinstance(kinds, str) else outcomes.filter(kind__in=list(kinds))
    return duos.filter(Exists(outcomes)).values("pk")


@dataclass(frozen=True)
class DuoParts:
    """A duo-based proportion: which duos are in the denominator, and each one's yes / no."""

    scope: Q
    yes: Any
    no: Any
    participants_only: bool = True


def _opportunity_parts(today: date, duos: QuerySet[Duo]) -> DuoParts:
    yes = _with_outcome(
        duos, kinds=OPPORTUNITY_KINDS, since=OuterRef("cohort__starts_on"), until=OuterRef("cohort__ends_on")
    )
    no = _with_outcome(
        duos, kinds=Outcome.Kind.NONE, since=_shift(OuterRef("cohort__ends_on"), -ANSWER_WINDOW_DAYS), until=None
    )
    return DuoParts(Q(cohort__ends_on__lte=today), _flag(Q(pk__in=yes)), _flag(Q(pk__in=no)))


def _network_parts(today: date, duos: QuerySet[Duo]) -> DuoParts:
    introduced = (
        duos.filter(introductions__introduced_on__lte=F("cohort__ends_on"))
        .annotate(n_introduced=Count("introductions"))
        .filter(n_introduced__gte=NETWORK_CONTACTS)
        .values("pk")
    )

    def reported(**contacts: int) -> QuerySet[Duo, Any]:
        reports = NetworkReport.objects.filter(
            person_id=OuterRef("mentee__person_id"),
            date__gte=_shift(OuterRef("cohort__ends_on"), -ANSWER_WINDOW_DAYS),
            **{f"contacts__{k}": v for k, v in contacts.items()},
        )
        return duos.filter(Exists(reports)).values("pk")

    return DuoParts(
        Q(cohort__ends_on__lte=today),
        _flag(Q(pk__in=introduced) | Q(pk__in=reported(gte=NETWORK_CONTACTS))),
        _flag(Q(pk__in=reported(lt=NETWORK_CONTACTS))),
    )


def _job_parts(days: int) -> Callable[[date, QuerySet[Duo]], DuoParts]:
    def parts(today: date, duos: QuerySet[Duo]) -> DuoParts:
        yes = _with_outcome(
            duos,
            kinds=JOB_OR_TRAINING_KINDS,
            since=OuterRef("cohort__starts_on"),
            until=_shift(OuterRef("cohort__ends_on"), days),
        )
        no = _with_outcome(
            duos,
            kinds=Outcome.Kind.NONE,
            since=_shift(OuterRef("cohort__ends_on"), days - ANSWER_WINDOW_DAYS),
            until=None,
        )
        return DuoParts(Q(cohort__ends_on__lte=today - timedelta(days=days)), _flag(Q(pk__in=yes)), _flag(Q(pk__in=no)))

    return parts


def _completion_parts(today: date, duos: QuerySet[Duo]) -> DuoParts:
    return DuoParts(
        Q(cohort__ends_on__lte=today, started_on__lte=today),
        _flag(Q(status=Duo.Status.COMPLETED)),
        _flag(Q(status=Duo.Status.ENDED_EARLY)),
        participants_only=False,
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


def _skills_parts(today: date, duos: QuerySet[Duo]) -> DuoParts:
    by_mentor = (
        MentorSkillsScore.objects.order_by()
        .values("person_id")
        .annotate(
            before=Avg("score", filter=Q(moment=MentorSkillsScore.Moment.BASELINE)),
            after=Avg("score", filter=Q(moment=MentorSkillsScore.Moment.END)),
        )
        .filter(before__isnull=False, after__isnull=False)
    )
    rose = by_mentor.filter(after__gt=F("before")).values("person_id")
    did_not = by_mentor.filter(after__lte=F("before")).values("person_id")
    return DuoParts(
        Q(cohort__ends_on__lte=today),
        _flag(Q(mentor__person_id__in=rose)),
        _flag(Q(mentor__person_id__in=did_not)),
        participants_only=False,
    )


@dataclass(frozen=True)
class Proportion:
    key: str
    label: Any
    definition: Any
    unit: Any
    parts: Callable[[date, QuerySet[Duo]], DuoParts] | None  # None: invitation-based (workshops)
    count_field: str  # what one counted case is (distinct within a cohort)
    person_field: str  # the person behind a case, for the traceability lists

    def rows(self, duos: QuerySet[Duo], today: date) -> QuerySet[Any]:
        """The cases of the denominator, each with its yes / no (for the traceability lists)."""
        if self.parts is None:
            return _workshop_rows(duos, today)
        parts = self.parts(today, duos)
        base = participants(duos) if parts.participants_only else duos
        return base.filter(parts.scope).annotate(yes=parts.yes, no=parts.no)


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
        _opportunity_parts,
        "mentee_id",
        "mentee__person_id",
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
        _network_parts,
        "mentee_id",
        "mentee__person_id",
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
        _job_parts(SIX_MONTHS_DAYS),
        "mentee_id",
        "mentee__person_id",
    ),
    Proportion(
        "job_training_12",
        _("In a job or training within 12 months of the end"),
        _(
            "As the 6-month figure, for cohorts that ended at least 12 months ago, with outcomes up to "
            "12 months after the end."
        ),
        _("participants"),
        _job_parts(TWELVE_MONTHS_DAYS),
        "mentee_id",
        "mentee__person_id",
    ),
    Proportion(
        "completion",
        _("Duos completed"),
        _(
            "Duos of cohorts that have ended: completed duos over all duos started. Unknown: duos still "
            "marked active or paused."
        ),
        _("duos"),
        _completion_parts,
        "pk",
        "mentee__person_id",
    ),
    Proportion(
        "workshops",
        _("Workshop attendance"),
        _(
            "Invitations of the duos' members to their cohort's workshops that have taken place (not "
            "cancelled): present over invited. Unknown: attendance not taken."
        ),
        _("invitations"),
        None,
        "pk",
        "person_id",
    ),
    Proportion(
        "mentor_skills",
        _("Mentors whose skills rose"),
        _(
            "Mentors of cohorts that have ended whose average end-survey score of soft and intercultural "
            "skills is higher than their average baseline score. Unknown: either survey missing."
        ),
        _("mentors"),
        _skills_parts,
        "mentor_id",
        "mentor__person_id",
    ),
]
BY_KEY = {p.key: p for p in PROPORTIONS}


# --- Computation: one pass per table, grouped by cohort; territories and totals are sums ---------
#
# The unit of every people figure is a person in a cohort (a mentee who took part in two cohorts
# counts in each), so cohort rows add up exactly to territories and to the whole programme.


def _per_cohort(qs: QuerySet[Any], cohort_field: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
    return {row.pop("c"): row for row in qs.order_by().annotate(c=F(cohort_field)).values("c").annotate(**aggregates)}


DUO_KEYS = [p.key for p in PROPORTIONS if p.parts is not None]


def _duo_proportions(duos: QuerySet[Duo], today: date, keys: list[str]) -> dict[int, dict[str, Any]]:
    """These duo-based proportions, per cohort, in one query.

    The inner query gives each duo its yes / no / in-scope flags once (each duo-id set is hashed
    once); the outer query counts them per cohort. Written as SQL around the ORM's inner query,
    because the ORM would repeat every flag's subquery inside every FILTER clause."""
    # Unlike the outcome sets below, this one is a correlated EXISTS: the set of duos with a
    # confirmed meeting means hashing a million meetings, while the probe stops at a duo's first
    # confirmed meeting on the duo index (measured: 0.15 s less at national scale, same figures).
    confirmed = Meeting.objects.filter(confirmed_at__isnull=False, duo_id=OuterRef("pk"))
    annotations: dict[str, Any] = {"is_participant": _flag(Q(Exists(confirmed)))}
    quote = connection.ops.quote_name
    columns = []
    for key in keys:
        spec = BY_KEY[key]
        parts = spec.parts(today, duos)  # type: ignore[misc]
        annotations[f"{key}_in"] = _flag(parts.scope)
        annotations[f"{key}_yes"], annotations[f"{key}_no"] = parts.yes, parts.no
        unit = "id" if spec.count_field == "pk" else spec.count_field
        counted = quote(unit) if unit == "id" else f"DISTINCT {quote(unit)}"
        base = f"{quote(key + '_in')}" + (f" AND {quote('is_participant')}" if parts.participants_only else "")
        yes, no = quote(f"{key}_yes"), quote(f"{key}_no")
        columns += [
            f"COUNT({counted}) FILTER (WHERE {base}) AS {quote(f'n_{key}_all')}",
            f"COUNT({counted}) FILTER (WHERE {base} AND {yes}) AS {quote(f'n_{key}_yes')}",
            f"COUNT({counted}) FILTER (WHERE {base} AND {no} AND NOT {yes}) AS {quote(f'n_{key}_no')}",
        ]
    # The funnel's people counts come from the same pass.
    annotations["is_completed"] = _flag(Q(status=Duo.Status.COMPLETED))
    counted = f"DISTINCT {quote('mentee_id')}"
    columns += [
        f"COUNT({counted}) AS {quote('n_matched_all')}",
        f"COUNT({counted}) FILTER (WHERE {quote('is_participant')}) AS {quote('n_met_all')}",
        f"COUNT({counted}) FILTER (WHERE {quote('is_completed')}) AS {quote('n_completers_all')}",
    ]
    inner = duos.order_by().annotate(**annotations).values("id", "cohort_id", "mentee_id", "mentor_id", *annotations)
    sql, params = inner.query.sql_with_params()
    # MATERIALIZED keeps PostgreSQL from folding the inner query back in (and repeating each flag's
    # subquery once per FILTER clause).
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    # Only the ORM's own SQL (its values stay in `params`) and quoted constant column names go in.
    head = f"WITH flagged AS {materialized}({sql}) "
    outer = head + f"SELECT {quote('cohort_id')}, {', '.join(columns)} FROM flagged GROUP BY {quote('cohort_id')}"  # nosec B608
    names = ["cohort_id"] + [f"n_{key}_{part}" for key in keys for part in ("all", "yes", "no")]
    names += ["n_matched_all", "n_met_all", "n_completers_all"]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Room to hash the duo-id sets of a national population (the default 4 MB is too small).
            # and no JIT: compiling this query costs more (about 1 s) than running it.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(outer, params)
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row.pop("cohort_id"): row for row in rows}


def _workshop_attendance(duos: QuerySet[Duo], today: date) -> dict[int, dict[str, Any]]:
    rows = _workshop_rows(duos, today)
    return _per_cohort(
        rows,
        "workshop__cohort_id",
        n_workshops_all=Count("pk"),
        n_workshops_yes=Count("pk", filter=Q(yes=True)),
        n_workshops_no=Count("pk", filter=Q(no=True)),
    )


def _meeting_sums(duos: QuerySet[Duo], today: date) -> dict[int, dict[str, Any]]:
    running = duos.filter(started_on__lte=today)
    spans = _per_cohort(
        running.annotate(
            span=ExpressionWrapper(
                Least(Coalesce("ended_on", "cohort__ends_on"), F("cohort__ends_on"), Value(today, DateField()))
                - F("started_on"),
                output_field=DurationField(),
            )
        ),
        "cohort_id",
        total_span=Sum("span"),
    )
    meetings = _per_cohort(
        Meeting.objects.filter(confirmed_at__isnull=False, duo__in=duos.values("pk")),
        "duo__cohort_id",
        n_meetings=Count("pk", filter=Q(held_on__lte=today, duo__started_on__lte=today)),
    )
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    for part in (spans, meetings, _ledger_sums(duos, today)):
        for cohort_id, row in part.items():
            out[cohort_id].update(row)
    return out


def _ledger_sums(duos: QuerySet[Duo], today: date) -> dict[int, dict[str, Any]]:
    """The hours of these duos, per cohort, read from the hours ledger up to today: the duos'
    counted meetings, the workshops of their cohorts their mentors attended, and each mentor's
    training day in the cohort it prepares (counted once, in the mentor's first cohort)."""
    pairs = set(duos.values_list("cohort_id", "mentor_id"))
    duo_ids = set(duos.values_list("pk", flat=True))
    rows = hours_ledger.ledger(period=hours_ledger.Period(None, today), mentor_ids={m for _c, m in pairs})
    out: dict[int, dict[str, Any]] = defaultdict(lambda: {"minutes": 0, "workshop_time": timedelta(0), "n_trained": 0})
    for row in rows:
        if row.source == hours_ledger.MEETING and row.duo_id in duo_ids:
            out[row.cohort_id]["minutes"] += row.minutes  # type: ignore[index]
        elif row.source == hours_ledger.WORKSHOP and (row.cohort_id, row.mentor_id) in pairs:
            out[row.cohort_id]["workshop_time"] += timedelta(minutes=row.minutes)  # type: ignore[index]
        elif row.source == hours_ledger.TRAINING and (row.cohort_id, row.mentor_id) in pairs:
            out[row.cohort_id]["n_trained"] += 1  # type: ignore[index]
    return dict(out)


MEETINGS_DEFINITION = _(
    "Confirmed meetings held by the duos, over the months the duos ran (from their start to their end, the "
    "cohort's end or today, whichever comes first)."
)
HOURS_DEFINITION = _(
    "Skills-sponsorship hours delivered by the duos' mentors, from the hours ledger up to today: meetings "
    "confirmed by the other member (in Binôme or on the phone to a coordinator), workshops of the cohort "
    "attended (not the training day) and the training day (7 hours), counted once, in the first cohort "
    "it prepares (taken up to 120 days before the cohort's start)."
)


def _figure(key: str, row: dict[str, Any]) -> Figure:
    """One figure from the summed counts of a group of cohorts."""
    if key in BY_KEY:
        spec = BY_KEY[key]
        den, num, no = row.get(f"n_{key}_all", 0), row.get(f"n_{key}_yes", 0), row.get(f"n_{key}_no", 0)
        unknown = max(0, den - num - no)
        measurable = bool(den) and den > unknown
        return Figure(
            key=key,
            label=spec.label,
            kind="proportion",
            numerator=num,
            denominator=den,
            unknown=unknown,
            rate=num / den if measurable else None,
            interval=wilson(num, den) if measurable else None,
            definition=spec.definition,
            unit=spec.unit,
            target=targets().get(key),
        )
    if key == "meetings":
        span: timedelta = row.get("total_span") or timedelta(0)
        months = max(span.days, 0) / DAYS_PER_MONTH
        n = row.get("n_meetings", 0)
        return Figure(
            key, _("Meetings per duo per month"), "ratio", n, round(months, 1), 0,
            n / months if months else None, None, MEETINGS_DEFINITION, _("duo-months"),
        )  # fmt: skip
    workshop_time: timedelta = row.get("workshop_time") or timedelta(0)
    hours = row.get("minutes", 0) / 60 + workshop_time.total_seconds() / 3600 + row.get("n_trained", 0) * 7
    return Figure(
        "hours", _("Hours delivered"), "total", round(hours, 1), None, 0, None, None, HOURS_DEFINITION, _("hours")
    )


def _blank(key: str) -> Figure:
    """The figure of a group with no case for this KPI (0 of 0: no rate)."""
    return _figure(key, {})


KPI_KEYS = [*BY_KEY, "meetings", "hours"]
SUMMABLE = ("_all", "_yes", "_no", "total_span", "n_meetings", "minutes", "workshop_time", "n_trained")


def _rows_per_cohort(slice_: Slice, today: date, wanted: list[str]) -> dict[int, dict[str, Any]]:
    duos = slice_.duos()
    per_cohort: dict[int, dict[str, Any]] = defaultdict(dict)
    parts = []
    if any(k in DUO_KEYS for k in wanted):
        parts.append(_duo_proportions(duos, today, [k for k in wanted if k in DUO_KEYS]))
    if "workshops" in wanted:
        parts.append(_workshop_attendance(duos, today))
    if "meetings" in wanted or "hours" in wanted:
        parts.append(_meeting_sums(duos, today))
    for part in parts:
        for cohort_id, row in part.items():
            per_cohort[cohort_id].update(row)
    return per_cohort


def _fold(per_cohort: dict[int, dict[str, Any]], group: str | None, wanted: list[str]) -> dict[Any, list[Figure]]:
    territory_of: dict[int, int] = {}
    if group == "territory":
        territory_of = dict(Cohort.objects.filter(pk__in=list(per_cohort)).values_list("pk", "territory_id"))
    sums: dict[Any, dict[str, Any]] = {} if group else {None: {}}
    for cohort_id, row in per_cohort.items():
        key = None if group is None else cohort_id if group == "cohort" else territory_of[cohort_id]
        total = sums.setdefault(key, {})
        for name, value in row.items():
            if value is not None and name.endswith(SUMMABLE):
                total[name] = total[name] + value if name in total else value
    return {g: [_figure(k, row) for k in wanted] for g, row in sums.items()}


def compute(
    slice_: Slice, *, today: date | None = None, group: str | None = None, keys: list[str] | None = None
) -> dict[Any, list[Figure]]:
    """Every KPI of a slice, in the order of KPI_KEYS; per "cohort" or "territory" id if asked.

    About six queries whatever the size: each table is read once, grouped by cohort."""
    wanted = keys or KPI_KEYS
    return _fold(_rows_per_cohort(slice_, today or timezone.localdate(), wanted), group, wanted)


def compute_views(slice_: Slice, *, today: date | None = None) -> dict[str, Any]:
    """The whole slice, per cohort and per territory, and its funnel, from one pass over the data."""
    today = today or timezone.localdate()
    per_cohort = _rows_per_cohort(slice_, today, KPI_KEYS)
    views: dict[str, Any] = {
        group or "total": _fold(per_cohort, group, KPI_KEYS) for group in (None, "cohort", "territory")
    }
    counts = {
        name: sum(row.get(name) or 0 for row in per_cohort.values())
        for name in ("n_matched_all", "n_met_all", "n_completers_all", "n_opportunity_yes")
    }
    views["funnel"] = funnel(slice_, today=today, counts=counts)
    return views


def figures(slice_: Slice, *, today: date | None = None) -> list[Figure]:
    """Every KPI of one slice, ungrouped."""
    return compute(slice_, today=today)[None]


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: Any
    count: int | None  # None: not applicable to this slice (a company refers nobody)


def funnel(slice_: Slice, *, today: date | None = None, counts: dict[str, int] | None = None) -> list[FunnelStep]:
    """Referred → eligible → matched → first meeting → completed → opportunity: people (in a cohort)."""
    today = today or timezone.localdate()
    referrals = slice_.referrals()
    referred = eligible = None
    if referrals is not None:
        found = referrals.aggregate(
            referred=Count("person_id", distinct=True),
            eligible=Count("person_id", distinct=True, filter=Q(status__in=ELIGIBLE_STATUSES)),
        )
        referred, eligible = found["referred"], found["eligible"]
    if counts is None:
        rows = _duo_proportions(slice_.duos(), today, ["opportunity"]).values()
        counts = {
            name: sum(row.get(name) or 0 for row in rows)
            for name in ("n_matched_all", "n_met_all", "n_completers_all", "n_opportunity_yes")
        }
    return [
        FunnelStep("referred", _("Referred"), referred),
        FunnelStep("eligible", _("Eligible"), eligible),
        FunnelStep("matched", _("Matched"), counts["n_matched_all"]),
        FunnelStep("first_meeting", _("First meeting"), counts["n_met_all"]),
        FunnelStep("completed", _("Completed"), counts["n_completers_all"]),
        FunnelStep("opportunity", _("Opportunity"), counts["n_opportunity_yes"]),
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
