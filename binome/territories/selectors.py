"""Figures for a territory's staff dashboard, counted in the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from binome.cohorts.models import Cohort
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


_BEYOND_ELIGIBLE = [
    Referral.Status.ELIGIBLE,
    Referral.Status.ENROLLED,
    Referral.Status.MATCHED,
    Referral.Status.COMPLETED,
]


def national_overview() -> list[TerritoryOverview]:
    territories = Territory.objects.annotate(
        n_referred=Count("people__referrals", distinct=True),
        n_eligible=Count("people__referrals", filter=Q(people__referrals__status__in=_BEYOND_ELIGIBLE), distinct=True),
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
    duo_counts = {
        (row["cohort__territory"], row["status"]): row["n"]
        for row in Duo.objects.values("cohort__territory", "status").annotate(n=Count("pk")).order_by()
    }
    return [
        TerritoryOverview(
            territory=t,
            referred=t.n_referred,
            eligible_or_beyond=t.n_eligible,
            trained_mentors=t.n_trained,
            duos=sum(n for (tid, _s), n in duo_counts.items() if tid == t.pk),
            duos_completed=duo_counts.get((t.pk, Duo.Status.COMPLETED), 0),
        )
        for t in territories
    ]
