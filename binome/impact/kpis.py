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
    CharField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models import Case as SqlCase  # `Case` here is a counted case of a figure
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import Cohort, ItemKind, Workshop, WorkshopInvitation
from binome.impact.figures import (  # the constants the printed definitions are generated from
    ANSWER_WINDOW_DAYS,
    DAYS_PER_MONTH,
    JOB_OR_TRAINING_KINDS,
    NETWORK_CONTACTS,
    OPPORTUNITY_KINDS,
    REACHED_ELIGIBLE,
    REACHED_ENROLLED,
    REGISTRY,
    SIX_MONTHS_DAYS,
    TRAINING_DAY_HOURS,
    TWELVE_MONTHS_DAYS,
)
from binome.impact.models import MentorSkillsScore, Outcome, Source
from binome.meetings import hours as hours_ledger
from binome.meetings.models import COUNTED, Meeting
from binome.pairing.models import Duo
from binome.people.models import MentorProfile
from binome.sourcing.models import Referral, ReferralTransition
from binome.surveys.models import Moment, Response

Z95 = 1.959963984540054
DEFAULT_TARGETS = {"opportunity": 0.5, "network": 0.6}


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

    @property
    def response_rate(self) -> float | None:
        """Known cases (yes or no) over the denominator: how much of the figure rests on answers."""
        if self.kind != "proportion" or not self.denominator:
            return None
        return self.known / self.denominator

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The rate with every unknown case as "no" (the rate shown) and as "yes"."""
        if self.kind != "proportion" or not self.denominator:
            return None
        return self.numerator / self.denominator, (self.numerator + self.unknown) / self.denominator

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
            "response_rate": None if self.response_rate is None else round(self.response_rate, 4),
            "bounds": None if self.bounds is None else [round(v, 4) for v in self.bounds],
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
            # The partner's referrals, merged duplicates left out (as the funnel counts them).
            referred = Referral.objects.filter(partner_id=self.partner_id, merged_into__isnull=True)
            qs = qs.filter(mentee__person_id__in=referred.values("person_id"))
        if self.year is not None:
            qs = qs.filter(cohort__starts_on__year=self.year)
        return qs

    def referrals(self) -> QuerySet[Referral] | None:
        """The referrals behind the funnel's first steps; None for a company (it refers nobody).

        A referral tied to a cohort belongs where its cohort is (territory, year), as the cohort's
        duos do; one in no cohort yet belongs to its person's territory and its year of referral."""
        if self.company_id is not None:
            return None
        qs = Referral.objects.all()
        no_cohort = Q(cohort__isnull=True)
        if self.territory_ids is not None:
            qs = qs.filter(
                Q(cohort__territory_id__in=self.territory_ids)
                | no_cohort & Q(person__territory_id__in=self.territory_ids)
            )
        if self.territory_id is not None:
            qs = qs.filter(
                Q(cohort__territory_id=self.territory_id) | no_cohort & Q(person__territory_id=self.territory_id)
            )
        if self.cohort_id is not None:
            qs = qs.filter(cohort_id=self.cohort_id)
        if self.partner_id is not None:
            qs = qs.filter(partner_id=self.partner_id)
        if self.year is not None:
            qs = qs.filter(Q(cohort__starts_on__year=self.year) | no_cohort & Q(referred_at__year=self.year))
        return qs


def _flag(q: Q) -> ExpressionWrapper:
    """A yes/no column that is never NULL (a NULL would be neither yes, no nor unknown)."""
    return ExpressionWrapper(q, output_field=BooleanField())


def _shift(expr: Any, days: int) -> Cast:
    return Cast(expr + timedelta(days=days), DateField())


def _any(condition: Q) -> Max:
    """1 when one of the rows grouped under a duo meets the condition, else 0: `bool_or` that
    SQLite also has (a row of a LEFT JOIN with no match meets no condition)."""
    return Max(SqlCase(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _one_if(condition: Q) -> SqlCase:
    """1 or 0 on the row."""
    return SqlCase(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# --- Per-duo facts: each related table read once, grouped by duo -----------------------------------
#
# Every duo-based proportion asks of each duo of the slice: is it in the denominator, is it a yes,
# is it a no. The answers are facts about the duo (it has a counted meeting; its mentee has an
# outcome of these kinds in that window; ...). Each table the facts come from is read once, joined to
# the slice's duos and grouped by duo, one conditional MAX per fact; the groups are then joined to
# the duos on the duo id. No subquery runs once per duo: at national scale a correlated one was
# 100,000 index probes.

#: From a duo to its mentee's outcomes and network reports (matched on the mentee's person).
OUTCOME = "mentee__person__outcomes__"
REPORT = "mentee__person__network_reports__"


def _near(day: Any, *, after: int = 0) -> dict[str, Cast]:
    """Bounds of the window of ANSWER_WINDOW_DAYS either side of `day` + `after` days."""
    return {
        "since": _shift(day, after - ANSWER_WINDOW_DAYS),
        "until": _shift(day, after + ANSWER_WINDOW_DAYS),
    }


def _outcome(*, kinds: Any, since: Any, until: Any) -> Q:
    """The duo's mentee has a counted outcome of these kinds dated in [since, until]."""
    kind = {"kind": kinds} if isinstance(kinds, str) else {"kind__in": sorted(kinds)}
    fields = {"status": Outcome.Status.ACTIVE, "date__gte": since, "date__lte": until, **kind}
    return Q(**{OUTCOME + name: value for name, value in fields.items()})


def _end_report(**contacts: int) -> Q:
    """A network count of the duo's mentee that speaks for the end of the duo's cohort: an answer to
    an END questionnaire (the survey feed stores the response id in survey_ref) given for a duo of
    that cohort (the feed sets the invitation's duo, one of the wave's cohort), or a count staff
    recorded within the end window. A follow-up wave, or another cohort's end questionnaire, never
    counts."""
    # Uncorrelated, so the database hashes the end answers once rather than once per duo.
    end_answers = (
        Response.objects.filter(invitation__wave__instrument__moment=Moment.END)
        .annotate(ref=Cast("pk", CharField()))
        .values("ref")
    )
    window = _near(F("cohort__ends_on"))
    survey = {"source": Source.SURVEY, "duo__cohort_id": F("cohort_id"), "survey_ref__in": end_answers}
    staff = {"source": Source.STAFF, "date__gte": window["since"], "date__lte": window["until"]}
    count = {f"contacts__{k}": v for k, v in contacts.items()}
    return (
        Q(**{REPORT + name: value for name, value in survey.items()})
        | Q(**{REPORT + name: value for name, value in staff.items()})
    ) & Q(**{REPORT + name: value for name, value in count.items()})


@dataclass(frozen=True)
class FactTable:
    """Facts read from one table: a query of one row per duo (or per person, `joined_on`) with a
    0 / 1 column per fact (or a count, any positive value is a yes)."""

    facts: tuple[str, ...]
    query: Callable[[QuerySet[Duo], date], QuerySet[Any]]
    joined_on: str = "id"  # the flagged duo's column its `key` column matches


def _counted_meetings(duos: QuerySet[Duo], today: date) -> QuerySet[Any]:
    # From the meetings, so the hours ledger's rule (COUNTED) applies as written.
    return (
        Meeting.objects.filter(COUNTED, duo__in=duos.values("pk"))
        .order_by()
        .values(key=F("duo_id"))
        .annotate(has_counted_meeting=Count("pk"))
    )


def _outcome_facts(duos: QuerySet[Duo], today: date) -> QuerySet[Any]:
    starts, ends = F("cohort__starts_on"), F("cohort__ends_on")
    facts = {
        "opportunity_by_end": _any(_outcome(kinds=OPPORTUNITY_KINDS, since=starts, until=ends)),
        "none_at_end": _any(_outcome(kinds=Outcome.Kind.NONE, **_near(ends))),
    }
    for days in (SIX_MONTHS_DAYS, TWELVE_MONTHS_DAYS):
        job = _outcome(kinds=JOB_OR_TRAINING_KINDS, since=starts, until=_shift(ends, days))
        facts[f"job_or_training_{days}"] = _any(job)
        # The follow-up's "none yet": within the window around end + 6 (12) months, not any time after.
        facts[f"none_at_{days}"] = _any(_outcome(kinds=Outcome.Kind.NONE, **_near(ends, after=days)))
    return duos.order_by().values(key=F("pk")).annotate(**facts)


def _network_facts(duos: QuerySet[Duo], today: date) -> QuerySet[Any]:
    in_cohort = Q(
        introductions__introduced_on__gte=F("cohort__starts_on"),
        introductions__introduced_on__lte=F("cohort__ends_on"),
    )
    return (
        duos.order_by()
        .values(key=F("pk"))
        .annotate(n_introduced=Count("introductions", filter=in_cohort))
        .annotate(introduced_enough=_one_if(Q(n_introduced__gte=NETWORK_CONTACTS)))
        .values("key", "introduced_enough")
    )


def _report_facts(duos: QuerySet[Duo], today: date) -> QuerySet[Any]:
    return (
        duos.order_by()
        .values(key=F("pk"))
        .annotate(
            reported_enough=_any(_end_report(gte=NETWORK_CONTACTS)),
            reported_few=_any(_end_report(lt=NETWORK_CONTACTS)),
        )
    )


def _skills_facts(duos: QuerySet[Duo], today: date) -> QuerySet[Any]:
    """Per mentor (person): the mean END score rose above the mean BASELINE one, or did not."""
    both = Q(before__isnull=False, after__isnull=False)
    return (
        MentorSkillsScore.objects.filter(person_id__in=duos.values("mentor__person_id"))
        .order_by()
        .values(key=F("person_id"))
        .annotate(
            before=Avg("score", filter=Q(moment=MentorSkillsScore.Moment.BASELINE)),
            after=Avg("score", filter=Q(moment=MentorSkillsScore.Moment.END)),
        )
        .annotate(
            skills_rose=_one_if(both & Q(after__gt=F("before"))),
            skills_did_not_rise=_one_if(both & Q(after__lte=F("before"))),
        )
        .values("key", "skills_rose", "skills_did_not_rise")
    )


FACT_TABLES = [
    FactTable(("has_counted_meeting",), _counted_meetings),
    FactTable(
        (
            "opportunity_by_end",
            "none_at_end",
            f"job_or_training_{SIX_MONTHS_DAYS}",
            f"none_at_{SIX_MONTHS_DAYS}",
            f"job_or_training_{TWELVE_MONTHS_DAYS}",
            f"none_at_{TWELVE_MONTHS_DAYS}",
        ),
        _outcome_facts,
    ),
    FactTable(("introduced_enough",), _network_facts),
    FactTable(("reported_enough", "reported_few"), _report_facts),
    FactTable(("skills_rose", "skills_did_not_rise"), _skills_facts, joined_on="mentor_person_id"),
]
#: Facts on the duo's own row.
DUO_FACTS: dict[str, Q] = {
    "is_completed": Q(status=Duo.Status.COMPLETED),
    "ended_early": Q(status=Duo.Status.ENDED_EARLY),
}


@dataclass(frozen=True)
class DuoParts:
    """A duo-based proportion: which duos are in the denominator (a condition on the duo), and the
    facts any one of which makes a duo a yes, or a no."""

    scope: Q
    yes: tuple[str, ...]
    no: tuple[str, ...]
    participants_only: bool = True


def _opportunity_parts(today: date) -> DuoParts:
    return DuoParts(Q(cohort__ends_on__lte=today), ("opportunity_by_end",), ("none_at_end",))


def _network_parts(today: date) -> DuoParts:
    return DuoParts(Q(cohort__ends_on__lte=today), ("introduced_enough", "reported_enough"), ("reported_few",))


def _job_parts(days: int) -> Callable[[date], DuoParts]:
    def parts(today: date) -> DuoParts:
        return DuoParts(
            Q(cohort__ends_on__lte=today - timedelta(days=days)), (f"job_or_training_{days}",), (f"none_at_{days}",)
        )

    return parts


def _completion_parts(today: date) -> DuoParts:
    return DuoParts(
        Q(cohort__ends_on__lte=today, started_on__lte=today),
        ("is_completed",),
        ("ended_early",),
        participants_only=False,
    )


def _skills_parts(today: date) -> DuoParts:
    return DuoParts(Q(cohort__ends_on__lte=today), ("skills_rose",), ("skills_did_not_rise",), participants_only=False)


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


@dataclass(frozen=True)
class Proportion:
    """How a registry proportion is computed; its label, unit and definition are the registry's."""

    key: str
    parts: Callable[[date], DuoParts] | None  # None: invitation-based (workshops)
    count_field: str  # what one counted case is (distinct within a cohort): a column of `flagged`
    person_field: str  # the person behind a case, for the traceability lists

    @property
    def spec(self) -> Any:
        return REGISTRY[self.key]

    @property
    def label(self) -> Any:
        return self.spec.label

    @property
    def definition(self) -> Any:
        return self.spec.definition

    @property
    def unit(self) -> Any:
        return self.spec.unit_label

    def rows(self, duos: QuerySet[Duo], today: date) -> list[tuple[Any, ...]]:
        """The cases of the denominator, (case, cohort, person, yes, no) each (for the traceability lists)."""
        if self.parts is None:
            invitations: QuerySet[Any] = _workshop_rows(duos, today)
            return list(invitations.values_list("pk", "workshop__cohort_id", "person_id", "yes", "no"))
        columns = [self.count_field, "cohort_id", self.person_field, f"{self.key}_yes", f"{self.key}_no"]
        where = [f"{self.key}_in", *(["is_participant"] if self.parts(today).participants_only else [])]
        return flagged_rows(duos, today, [self.key], columns, where=where)


PROPORTIONS = [
    Proportion("opportunity", _opportunity_parts, "mentee_id", "mentee_person_id"),
    Proportion("network", _network_parts, "mentee_id", "mentee_person_id"),
    Proportion("job_training_6", _job_parts(SIX_MONTHS_DAYS), "mentee_id", "mentee_person_id"),
    Proportion("job_training_12", _job_parts(TWELVE_MONTHS_DAYS), "mentee_id", "mentee_person_id"),
    Proportion("completion", _completion_parts, "id", "mentee_person_id"),
    Proportion("workshops", None, "id", "person_id"),
    Proportion("mentor_skills", _skills_parts, "mentor_id", "mentor_person_id"),
]
BY_KEY = {p.key: p for p in PROPORTIONS}
DUO_KEYS = [p.key for p in PROPORTIONS if p.parts is not None]
#: The columns of every flagged duo, beside each proportion's {key}_in, {key}_yes, {key}_no.
FLAGGED_COLUMNS = (
    "id", "cohort_id", "territory_id", "mentee_id", "mentor_id", "mentee_person_id", "mentor_person_id",
    "is_participant", "is_completed",
)  # fmt: skip


def flagged_sql(duos: QuerySet[Duo], today: date, keys: list[str]) -> tuple[str, list[Any]]:
    """SQL of one row per duo of the slice: FLAGGED_COLUMNS, then {key}_in, {key}_yes and {key}_no
    of each duo-based proportion asked for (true or false, never NULL).

    The duo's own row is joined (LEFT, on the duo id or the mentor's person) to each fact table a
    proportion needs, each of them one grouped query; yes (no) is "one of the part's yes (no) facts".
    Written as SQL around the ORM's queries, because the ORM joins no grouped subquery."""
    quote = connection.ops.quote_name
    parts = {key: BY_KEY[key].parts(today) for key in keys}  # type: ignore[misc]
    wanted = {"has_counted_meeting"} | {fact for p in parts.values() for fact in (*p.yes, *p.no)}
    own: dict[str, Any] = {f"{key}_in": _flag(p.scope) for key, p in parts.items()}
    own |= {name: _one_if(q) for name, q in DUO_FACTS.items()}
    base = (
        duos.order_by()
        .values("id", "cohort_id", "mentee_id", "mentor_id")
        .annotate(
            territory_id=F("cohort__territory_id"),
            mentee_person_id=F("mentee__person_id"),
            mentor_person_id=F("mentor__person_id"),
            **own,
        )
    )
    sql, params = base.query.sql_with_params()
    joins, source = [], dict.fromkeys(DUO_FACTS, "duo")
    for k, table in enumerate(t for t in FACT_TABLES if wanted & set(t.facts)):
        alias = f"facts{k}"
        table_sql, table_params = table.query(duos, today).query.sql_with_params()
        on = f"{quote(alias)}.{quote('key')} = {quote('duo')}.{quote(table.joined_on)}"
        joins.append(f"LEFT JOIN ({table_sql}) {quote(alias)} ON {on}")
        params = (*params, *table_params)
        source |= dict.fromkeys(table.facts, alias)

    def fact(name: str) -> str:
        return f"COALESCE({quote(source[name])}.{quote(name)}, 0) > 0"

    def any_of(names: tuple[str, ...]) -> str:
        return "(" + " OR ".join(fact(name) for name in names) + ")"

    columns = [f"{quote('duo')}.{quote(c)}" for c in FLAGGED_COLUMNS if c not in {"is_participant", "is_completed"}]
    columns += [f"{fact('has_counted_meeting')} AS {quote('is_participant')}"]
    columns += [f"{fact('is_completed')} AS {quote('is_completed')}"]
    for key, p in parts.items():
        columns += [
            f"{quote('duo')}.{quote(key + '_in')}",
            f"{any_of(p.yes)} AS {quote(key + '_yes')}",
            f"{any_of(p.no)} AS {quote(key + '_no')}",
        ]
    # Only the ORM's own SQL (its values stay in `params`) and quoted constant names go in.
    flagged = f"SELECT {', '.join(columns)} FROM ({sql}) {quote('duo')} {' '.join(joins)}"  # nosec B608
    return flagged, list(params)


def _run(sql: str, params: list[Any], *, tuned: bool = False) -> list[tuple[Any, ...]]:
    """The rows of a query; `tuned`: with the settings of the dashboard's big aggregate on
    PostgreSQL (in a transaction of its own, so they end with it)."""
    if not (tuned and connection.vendor == "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to hash the grouped facts of a national population (the default 4 MB is too small),
        # and no JIT: compiling this query costs more (about 1 s) than running it.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def flagged_rows(
    duos: QuerySet[Duo], today: date, keys: list[str], columns: list[str], *, where: list[str] | None = None
) -> list[tuple[Any, ...]]:
    """These columns of the flagged duos (see `flagged_sql`), only those whose `where` flags are all
    true if given."""
    sql, params = flagged_sql(duos, today, keys)
    quote = connection.ops.quote_name
    condition = f" WHERE {' AND '.join(quote(c) for c in where)}" if where else ""
    query = f"SELECT {', '.join(quote(c) for c in columns)} FROM ({sql}) {quote('flagged')}{condition}"  # nosec B608
    return _run(query, params)


# --- Computation: one pass per table, grouped by cohort; territories and totals are sums ---------
#
# The unit of every people figure is a person in a cohort (a mentee who took part in two cohorts
# counts in each), so cohort rows add up exactly to territories and to the whole programme.


def _per_cohort(qs: QuerySet[Any], cohort_field: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
    return {row.pop("c"): row for row in qs.order_by().annotate(c=F(cohort_field)).values("c").annotate(**aggregates)}


def _duo_proportions(duos: QuerySet[Duo], today: date, keys: list[str]) -> dict[int, dict[str, Any]]:
    """These duo-based proportions, per cohort, in one query: the flagged duos, counted per cohort."""
    quote = connection.ops.quote_name
    columns = []
    for key in keys:
        spec = BY_KEY[key]
        counted = quote(spec.count_field) if spec.count_field == "id" else f"DISTINCT {quote(spec.count_field)}"
        participants_only = spec.parts(today).participants_only  # type: ignore[misc]
        base = quote(key + "_in") + (f" AND {quote('is_participant')}" if participants_only else "")
        yes, no = quote(f"{key}_yes"), quote(f"{key}_no")
        columns += [
            f"COUNT({counted}) FILTER (WHERE {base}) AS {quote(f'n_{key}_all')}",
            f"COUNT({counted}) FILTER (WHERE {base} AND {yes}) AS {quote(f'n_{key}_yes')}",
            f"COUNT({counted}) FILTER (WHERE {base} AND {no} AND NOT {yes}) AS {quote(f'n_{key}_no')}",
        ]
    sql, params = flagged_sql(duos, today, keys)
    cohort = quote("cohort_id")
    outer = f"SELECT {cohort}, {', '.join(columns)} FROM ({sql}) {quote('flagged')} GROUP BY {cohort}"  # nosec B608
    names = ["cohort_id"] + [f"n_{key}_{part}" for key in keys for part in ("all", "yes", "no")]
    rows = [dict(zip(names, row, strict=True)) for row in _run(outer, params, tuned=True)]
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
    # One pass over the slice's counted meetings (the hours ledger's rule, COUNTED): the meetings
    # figure's count and the hours figure's meeting minutes, each up to today.
    meetings = _per_cohort(
        Meeting.objects.filter(COUNTED, duo__in=duos.values("pk")),
        "duo__cohort_id",
        n_meetings=Count("pk", filter=Q(held_on__lte=today, duo__started_on__lte=today)),
        minutes=Sum("duration_minutes", filter=Q(held_on__lte=today)),
    )
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    for part in (spans, meetings, _workshop_hours(duos, today), _training_days(duos, today)):
        for cohort_id, row in part.items():
            out[cohort_id].update(row)
    return out


# The hours figure is the hours ledger's (binome.meetings.hours) rows of the slice's duos up to
# today, summed per cohort in the database: the ledger builds one Python row per meeting, a
# million of them nationally. Its rules, as the ledger applies them: a counted meeting's minutes
# on its date (above); a workshop a mentor attended (marked present, not cancelled, not the
# training day) in a cohort where the mentor has a duo of the slice, on its Paris date, in whole
# minutes; a mentor's training day, TRAINING_DAY_MINUTES, in the first of the mentor's cohorts
# whose window contains it, if the mentor has a duo of the slice there. The sponsorship tests hold
# the two to the same hours (test_kpis_hours_agree_with_the_ledger_for_the_same_duos).


def _workshop_hours(duos: QuerySet[Duo], today: date) -> dict[int, dict[str, Any]]:
    attended = (
        WorkshopInvitation.objects.filter(present=True, workshop__status=Workshop.Status.PLANNED)
        .exclude(workshop__kind=ItemKind.MENTOR_TRAINING)
        # A semi-join (EXISTS in WHERE), not a probe per invitation.
        .filter(Exists(duos.filter(cohort_id=OuterRef("workshop__cohort_id"), mentor__person_id=OuterRef("person_id"))))
        .order_by()
        .values_list("workshop__cohort_id", "workshop__starts_at", "workshop__ends_at")
        .annotate(mentors=Count("pk"))
    )
    out: dict[int, dict[str, Any]] = defaultdict(lambda: {"workshop_time": timedelta(0)})
    for cohort_id, starts_at, ends_at, mentors in attended:
        if starts_at.astimezone(hours_ledger.PARIS).date() <= today:
            minutes = int((ends_at - starts_at).total_seconds() // 60)
            out[cohort_id]["workshop_time"] += timedelta(minutes=minutes * mentors)
    return dict(out)


def _training_days(duos: QuerySet[Duo], today: date) -> dict[int, dict[str, Any]]:
    day = F("mentor__trained_on")
    fitting = Duo.objects.filter(
        mentor_id__in=duos.values("mentor_id"),
        mentor__training_status=MentorProfile.Training.COMPLETED,
        mentor__trained_on__lte=today,
        cohort__starts_on__lte=_shift(day, hours_ledger.TRAINING_LEAD_DAYS),
        cohort__ends_on__gte=day,
    )
    # Every cohort of each trained mentor whose window holds the training day, and whether the
    # slice has the mentor's duo there (an uncorrelated set of duo ids, hashed once).
    rows = fitting.order_by().values_list(
        "mentor_id", "cohort__starts_on", "cohort_id", _flag(Q(pk__in=duos.values("pk")))
    )
    first: dict[int, tuple[date, int]] = {}
    in_slice: set[tuple[int, int]] = set()
    for mentor_id, starts_on, cohort_id, ours in rows:
        first[mentor_id] = min(first.get(mentor_id, (starts_on, cohort_id)), (starts_on, cohort_id))
        if ours:
            in_slice.add((mentor_id, cohort_id))
    out: dict[int, dict[str, Any]] = defaultdict(lambda: {"n_trained": 0})
    for mentor_id, (_starts_on, cohort_id) in first.items():
        if (mentor_id, cohort_id) in in_slice:
            out[cohort_id]["n_trained"] += 1
    return dict(out)


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
        meetings = REGISTRY["meetings"]
        return Figure(
            key, meetings.label, "ratio", n, round(months, 1), 0,
            n / months if months else None, None, meetings.definition, meetings.unit_label,
        )  # fmt: skip
    workshop_time: timedelta = row.get("workshop_time") or timedelta(0)
    trained = row.get("n_trained", 0) * TRAINING_DAY_HOURS
    hours = row.get("minutes", 0) / 60 + workshop_time.total_seconds() / 3600 + trained
    total = REGISTRY["hours"]
    return Figure(
        "hours", total.label, "total", round(hours, 1), None, 0, None, None, total.definition, total.unit_label
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
    views["funnel"] = funnel(slice_, today=today)
    return views


def figures(slice_: Slice, *, today: date | None = None) -> list[Figure]:
    """Every KPI of one slice, ungrouped."""
    return compute(slice_, today=today)[None]


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: Any
    count: int | None  # None: not applicable to this slice (a company refers nobody)


FUNNEL_KEYS = ["referred", "eligible", "matched", "first_meeting", "completed"]
#: A person-in-a-cohort's place in the funnel. Each flag implies the one before it, by construction.
CASE_FLAGS = ("referred", "eligible", "enrolled", "matched", "first_meeting", "completed", "opportunity")
# (person id, cohort id or None for a person referred and in no cohort yet)
CaseKey = tuple[int, int | None]


def referral_rows(referrals: QuerySet[Referral], *extra: Any) -> list[tuple[Any, ...]]:
    """(partner, person, cohort, reached eligible, reached enrolled, *extra) of each referral, merged
    ones left out."""

    def passed(statuses: Any) -> Q:
        # An uncorrelated set of referral ids, hashed once: a correlated EXISTS would probe the
        # transitions once per referral.
        return Q(pk__in=ReferralTransition.objects.filter(to_status__in=statuses).values("referral_id"))

    return list(
        referrals.filter(merged_into__isnull=True)
        .order_by()
        .annotate(
            reached_eligible=_flag(Q(status__in=REACHED_ELIGIBLE) | passed(REACHED_ELIGIBLE)),
            reached_enrolled=_flag(Q(status__in=REACHED_ENROLLED) | passed(REACHED_ENROLLED)),
        )
        .values_list("partner_id", "person_id", "cohort_id", "reached_eligible", "reached_enrolled", *extra)
    )


def duo_rows(duos: QuerySet[Duo], today: date, *extra: str) -> list[tuple[Any, ...]]:
    """(mentee's person, cohort, first meeting held, completed, counted opportunity, *extra) of each duo;
    `extra` are more columns of the flagged duos (FLAGGED_COLUMNS).

    The opportunity flags are the registry's opportunity figure's own (the same flagged duos)."""
    columns = ["mentee_person_id", "cohort_id", "is_participant", "is_completed", "opportunity_in", "opportunity_yes"]
    return flagged_rows(duos, today, ["opportunity"], [*columns, *extra])


def funnel_cases(referrals: list[tuple[Any, ...]], duos: list[tuple[Any, ...]]) -> dict[CaseKey, dict[str, bool]]:
    """Each person in a cohort with the funnel steps they reached.

    A duo makes its mentee's case matched (hence eligible and referred: being matched implies both);
    a referral makes a case referred, and eligible or enrolled if it ever reached that status. A
    referral not yet tied to a cohort is a case of its own only for a person in no cohort here."""
    cases: dict[CaseKey, dict[str, bool]] = {}

    def case(key: CaseKey) -> dict[str, bool]:
        return cases.setdefault(key, dict.fromkeys(CASE_FLAGS, False))

    for person, cohort, met, done, opp_in, opp_yes, *_extra in duos:
        flags = case((person, cohort))
        for name in ("referred", "eligible", "enrolled", "matched"):
            flags[name] = True
        flags["first_meeting"] |= bool(met)
        flags["completed"] |= bool(met and done)
        flags["opportunity"] |= bool(met and opp_in and opp_yes)
    in_cohort = {person for person, cohort in cases if cohort is not None}
    for _partner, person, cohort, eligible, enrolled, *_extra in referrals:
        if cohort is None and person in in_cohort:
            continue
        flags = case((person, cohort))
        flags["referred"] = True
        flags["eligible"] |= bool(eligible)
        flags["enrolled"] |= bool(enrolled)
    return cases


def count_cases(cases: dict[CaseKey, dict[str, bool]]) -> dict[str, int]:
    return {name: sum(1 for flags in cases.values() if flags[name]) for name in CASE_FLAGS}


def funnel_counts(slice_: Slice, *, today: date | None = None) -> dict[str, int | None]:
    """The registry's funnel counts of a slice (people in a cohort), each step nested in the one before;
    referred, eligible and enrolled are None for a company's slice (a company refers nobody)."""
    today = today or timezone.localdate()
    referrals = slice_.referrals()
    rows = referral_rows(referrals) if referrals is not None else []
    counts: dict[str, int | None] = dict(count_cases(funnel_cases(rows, duo_rows(slice_.duos(), today))))
    if referrals is None:
        counts.update(referred=None, eligible=None, enrolled=None)
    return counts


def funnel_counts_by_territory(slice_: Slice, *, today: date | None = None) -> dict[int, dict[str, int]]:
    """`funnel_counts` of each territory of the slice, in two queries: a case belongs to its cohort's
    territory, or to its person's for a referral in no cohort yet (as `Slice.referrals` cuts them)."""
    today = today or timezone.localdate()
    referrals = slice_.referrals()
    refs = referral_rows(
        (referrals if referrals is not None else Referral.objects.none()).annotate(
            case_territory=Coalesce("cohort__territory_id", "person__territory_id")
        ),
        "case_territory",
    )
    duos = duo_rows(slice_.duos(), today, "territory_id")
    grouped: dict[int, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = defaultdict(lambda: ([], []))
    for row in refs:
        grouped[row[-1]][0].append(row)
    for row in duos:
        grouped[row[-1]][1].append(row)
    return {territory: count_cases(funnel_cases(r, d)) for territory, (r, d) in grouped.items()}


def funnel(slice_: Slice, *, today: date | None = None) -> list[FunnelStep]:
    """Referred ⊇ eligible ⊇ matched ⊇ first meeting ⊇ completed, then the opportunity figure's
    numerator: people in a cohort, counted as the registry defines each step."""
    counts = funnel_counts(slice_, today=today)
    steps = [FunnelStep(key, REGISTRY[key].label, counts[key]) for key in FUNNEL_KEYS]
    return [*steps, FunnelStep("opportunity", _("Opportunity"), counts["opportunity"])]


PARTS = ("numerator", "denominator", "unknown")


@dataclass(frozen=True)
class Case:
    """One counted case of a figure: a person in a cohort (or one duo, one invitation)."""

    person_id: int
    cohort_id: int


def _cases(spec: Proportion, rows: list[tuple[Any, ...]]) -> dict[Any, tuple[Case, bool, bool]]:
    """The figure's cases, each once, with its yes / no, as the figure's COUNT(DISTINCT …) counts them."""
    found: dict[Any, tuple[Case, bool, bool]] = {}
    for unit, cohort_id, person_id, yes, no in rows:
        key = unit if spec.count_field == "id" else (cohort_id, unit)
        before = found.get(key)
        was_yes, was_no = (before[1], before[2]) if before else (False, False)
        found[key] = (Case(person_id, cohort_id), was_yes or bool(yes), was_no or bool(no))
    return found


def people_counted(slice_: Slice, key: str, part: str, *, today: date | None = None) -> list[Case]:
    """The cases behind one figure's numerator, denominator or unknown count (traceability): the
    same rows the figure counts, so a person in two cohorts appears twice."""
    spec = BY_KEY[key]
    found = _cases(spec, spec.rows(slice_.duos(), today or timezone.localdate()))
    if part == "numerator":
        return [case for case, yes, _no in found.values() if yes]
    if part == "unknown":
        return [case for case, yes, no in found.values() if not yes and not no]
    return [case for case, _yes, _no in found.values()]
