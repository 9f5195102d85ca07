"""Figures for a territory's staff dashboard, counted in the database. They count across every
domain (referrals, cohorts, duos, meetings, events), hence this top layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.access import scope_of
from binome.accounts.models import Role
from binome.cohorts.models import Cohort
from binome.events.selectors import EventsSummary, events_summary_for_territory
from binome.impact import kpis
from binome.impact.kpis import FunnelStep, Slice
from binome.meetings.models import COUNTED, Alert, Meeting
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, MentorProfile
from binome.sourcing.models import Referral
from binome.territories.models import Territory


@dataclass(frozen=True)
class Tally:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class TerritoryDashboard:
    territory: Territory
    referrals_by_status: list[Tally]
    mentors_by_training: list[Tally]
    mentees: int
    mentors: int
    cohorts_by_status: list[Tally]
    duos_by_status: list[Tally]
    alerts_by_kind: list[Tally]  # open alerts: the duos on the "needs attention" list
    meetings_last_30_days: int  # confirmed meetings held in the last 30 days
    events_this_year: EventsSummary  # in-company events of the calendar year
    funnel: list[FunnelStep]  # the registry's funnel (binome.impact.figures), as on the impact pages

    @property
    def alerts(self) -> int:
        return sum(t.count for t in self.alerts_by_kind)

    @property
    def referrals(self) -> int:
        return sum(t.count for t in self.referrals_by_status)

    @property
    def duos(self) -> int:
        return sum(t.count for t in self.duos_by_status)

    @property
    def cohorts(self) -> int:
        return sum(t.count for t in self.cohorts_by_status)


def _tallies(counts: dict[str, int], choices: list[tuple[str, Any]]) -> list[Tally]:
    """Every choice in its pipeline order, zeros included, so the board's shape never changes."""
    return [Tally(value, str(label), counts.get(value, 0)) for value, label in choices]


def _count_by(queryset, field: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("pk")).order_by()}


def territory_dashboard(territory: Territory) -> TerritoryDashboard:
    referrals = Referral.objects.filter(person__territory=territory)
    mentors = MentorProfile.objects.filter(person__territory=territory)
    return TerritoryDashboard(
        territory=territory,
        referrals_by_status=_tallies(_count_by(referrals, "status"), Referral.Status.choices),
        mentors_by_training=_tallies(_count_by(mentors, "training_status"), MentorProfile.Training.choices),
        mentees=MenteeProfile.objects.filter(person__territory=territory).count(),
        mentors=mentors.count(),
        cohorts_by_status=_tallies(
            _count_by(Cohort.objects.filter(territory=territory), "status"), Cohort.Status.choices
        ),
        duos_by_status=_tallies(
            _count_by(Duo.objects.filter(cohort__territory=territory), "status"), Duo.Status.choices
        ),
        alerts_by_kind=_tallies(
            _count_by(Alert.objects.filter(status=Alert.Status.OPEN, duo__cohort__territory=territory), "kind"),
            Alert.Kind.choices,
        ),
        meetings_last_30_days=Meeting.objects.filter(
            COUNTED,
            duo__cohort__territory=territory,
            held_on__gt=timezone.localdate() - timedelta(days=30),
        ).count(),
        events_this_year=events_summary_for_territory(
            territory, date(timezone.localdate().year, 1, 1), date(timezone.localdate().year, 12, 31)
        ),
        funnel=kpis.funnel(Slice(territory_id=territory.pk)),
    )


@dataclass(frozen=True)
class TerritoryOverview:
    """Anonymous counts per territory, for funders and the national page."""

    territory: Territory
    referred: int
    eligible_or_beyond: int
    trained_mentors: int
    duos: int
    duos_completed: int


def _registry_counts(territories: Sequence[Territory]) -> dict[int, dict[str, int | None]]:
    """Referred, eligible, enrolled per territory: the registry's funnel counts (the same number on
    the impact pages, the funder pages and the dashboards)."""
    found = kpis.funnel_counts_by_territory(Slice())
    empty: dict[str, int | None] = dict.fromkeys(kpis.CASE_FLAGS, 0)
    return {t.pk: {**empty, **found.get(t.pk, {})} for t in territories}


def national_overview() -> list[TerritoryOverview]:
    territories = list(
        Territory.objects.annotate(
            n_trained=Count(
                "people__mentor_profile",
                filter=Q(
                    people__mentor_profile__training_status__in=[
                        MentorProfile.Training.COMPLETED,
                        MentorProfile.Training.WAIVED,
                    ]
                ),
                distinct=True,
            ),
        )
    )
    counts = _registry_counts(territories)
    duo_counts = {
        (row["cohort__territory"], row["status"]): row["n"]
        for row in Duo.objects.values("cohort__territory", "status").annotate(n=Count("pk")).order_by()
    }
    return [
        TerritoryOverview(
            territory=t,
            referred=counts[t.pk]["referred"] or 0,
            eligible_or_beyond=counts[t.pk]["eligible"] or 0,
            trained_mentors=t.n_trained,
            duos=sum(n for (tid, _s), n in duo_counts.items() if tid == t.pk),
            duos_completed=duo_counts.get((t.pk, Duo.Status.COMPLETED), 0),
        )
        for t in territories
    ]


# --- opening a territory and comparing territories --------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    count: int
    done: bool


def opening_checklist(territory: Territory) -> list[ChecklistItem]:
    """What a new territory still needs before its first cohort can run."""

    organisations = _count_by(Organisation.objects.filter(territory=territory), "kind")
    partners = organisations.get(Organisation.Kind.NGO, 0) + organisations.get(Organisation.Kind.PUBLIC_INSTITUTION, 0)
    companies = organisations.get(Organisation.Kind.COMPANY, 0)
    coordinators = Role.objects.filter(kind=Role.Kind.COORDINATOR, territory=territory).count()
    trained = MentorProfile.objects.filter(
        person__territory=territory,
        training_status__in=[MentorProfile.Training.COMPLETED, MentorProfile.Training.WAIVED],
    ).count()
    cohorts = Cohort.objects.filter(territory=territory, ends_on__gte=timezone.localdate()).count()
    return [
        ChecklistItem(str(_("Coordinators")), coordinators, coordinators > 0),
        ChecklistItem(str(_("Referral partners (NGOs, public institutions)")), partners, partners > 0),
        ChecklistItem(str(_("Companies")), companies, companies > 0),
        ChecklistItem(str(_("A first cohort with its dates")), cohorts, cohorts > 0),
        ChecklistItem(str(_("Trained mentors")), trained, trained > 0),
    ]


@dataclass(frozen=True)
class TerritoryComparison:
    territory: Territory
    partners: int
    companies: int
    mentors_trained: int
    referred: int
    eligible: int
    enrolled: int
    duos_active: int
    cohorts: int


def _grouped(queryset, *fields: str) -> dict[tuple[Any, ...], int]:  # type: ignore[no-untyped-def]
    return {
        tuple(row[f] for f in fields): row["n"]
        for row in queryset.values(*fields).annotate(n=Count("pk", distinct=True)).order_by()
    }


def territory_comparison() -> list[TerritoryComparison]:
    """Territories side by side; referred, eligible and enrolled are the registry's funnel counts."""

    territories = list(Territory.objects.order_by("name"))
    organisations = _grouped(Organisation.objects.exclude(territory=None), "territory_id", "kind")
    trained = _grouped(
        MentorProfile.objects.filter(
            training_status__in=[MentorProfile.Training.COMPLETED, MentorProfile.Training.WAIVED]
        ),
        "person__territory_id",
    )
    duos = _grouped(Duo.objects.filter(status=Duo.Status.ACTIVE), "cohort__territory_id")
    cohorts = _grouped(Cohort.objects.all(), "territory_id")
    counts = _registry_counts(territories)
    return [
        TerritoryComparison(
            territory=t,
            partners=organisations.get((t.pk, Organisation.Kind.NGO), 0)
            + organisations.get((t.pk, Organisation.Kind.PUBLIC_INSTITUTION), 0),
            companies=organisations.get((t.pk, Organisation.Kind.COMPANY), 0),
            mentors_trained=trained.get((t.pk,), 0),
            referred=counts[t.pk]["referred"] or 0,
            eligible=counts[t.pk]["eligible"] or 0,
            enrolled=counts[t.pk]["enrolled"] or 0,
            duos_active=duos.get((t.pk,), 0),
            cohorts=cohorts.get((t.pk,), 0),
        )
        for t in territories
    ]


# --- accounts staff manage (issue 18) ---------------------------------------------------------


def account_organisations_for(user: Any) -> QuerySet[Organisation]:
    """The companies and partners whose accounts this staff member manages: every one for a national
    admin, those of their territories for a coordinator (a national organisation's accounts open
    every territory's records of it, so only national admins manage them)."""
    scope = scope_of(user)
    everything = Organisation.objects.exclude(kind=Organisation.Kind.FUNDER)
    return scope.visible(everything, Q(territory_id__in=scope.territory_ids))


def organisation_roles(organisation: Organisation) -> QuerySet[Role]:
    """The accounts of an organisation (company contacts or referrers), with their users."""
    return organisation.roles.select_related("user").order_by("user__email")


def territory_coordinators(territory: Territory) -> QuerySet[Role]:
    return (
        Role.objects.filter(kind=Role.Kind.COORDINATOR, territory=territory)
        .select_related("user")
        .order_by("user__email")
    )


def manageable_roles(user: Any) -> QuerySet[Role]:
    """The roles whose invitation this staff member may send again."""
    scope = scope_of(user)
    if scope.national_admin:
        return Role.objects.select_related("user", "territory", "organisation", "person")
    return Role.objects.filter(
        Q(organisation__in=account_organisations_for(user))
        | Q(person__territory_id__in=scope.territory_ids, kind__in=[Role.Kind.MENTOR, Role.Kind.MENTEE])
    ).select_related("user", "territory", "organisation", "person")
