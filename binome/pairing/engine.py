"""The one adapter between the database and the pure matching engine (`matching/`).

It reads a cohort's pool into a JSON snapshot (stored on the MatchRun, so a run can be
reproduced and explained after profiles change) and rebuilds the engine's `Problem`
from that snapshot. Database ids travel as the engine's opaque `id`s; indices never
leave this module.

The engine (numpy, scipy, OR-Tools: about 90 MB) is imported inside the functions that hand it
work, never at module level: this module is reached from the URLconf, and a web worker that
serves no matching should not carry the engine's libraries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from binome.cohorts.models import Cohort
from binome.pairing.models import Duo
from binome.people.models import AVAILABILITY_SLOTS, MenteeProfile, MentorProfile, PersonLanguage
from binome.reference.models import Sector
from binome.sourcing.models import Referral

if TYPE_CHECKING:
    import matching

SNAPSHOT_VERSION = 1
#: Duos that still take a mentor's time: a paused duo may resume.
BUSY_DUO_STATUSES = (Duo.Status.ACTIVE, Duo.Status.PAUSED)


def availability_mask(slots: list[str]) -> int:
    """'mon_am' … 'sun_eve' → the engine's 21-bit mask (AVAILABILITY_SLOTS is day-major, like the engine)."""
    mask = 0
    for code in slots:
        if code in AVAILABILITY_SLOTS:
            mask |= 1 << AVAILABILITY_SLOTS.index(code)
    return mask


def mentee_pool(cohort: Cohort) -> list[MenteeProfile]:
    """People enrolled in this cohort who have no duo in it yet."""
    enrolled = Referral.objects.filter(cohort=cohort, status=Referral.Status.ENROLLED).values("person_id")
    return list(
        MenteeProfile.objects.filter(person_id__in=enrolled, person__territory_id=cohort.territory_id)
        # A duo that ended early leaves the mentee free to be paired again in the same cohort.
        .exclude(pk__in=Duo.objects.filter(cohort=cohort, status__in=BUSY_DUO_STATUSES).values("mentee_id"))
        .select_related("person", "home")
        .prefetch_related("target_occupations")
        .order_by("pk")
    )


def busy_load() -> Q:
    return Q(duos__status__in=BUSY_DUO_STATUSES) & ~Q(duos__cohort__status=Cohort.Status.CLOSED)


def mentor_pool(cohort: Cohort) -> tuple[list[MentorProfile], dict[int, int]]:
    """Mentors of the territory with at least one free place, and each one's free places.

    Untrained mentors stay in the pool, so the board can say why they are left out.
    """
    mentors = list(
        MentorProfile.objects.filter(person__territory_id=cohort.territory_id)
        .annotate(load=Count("duos", filter=busy_load()))
        .select_related("person", "workplace", "company")
        .order_by("pk")
    )
    free = {m.pk: max(m.capacity - m.load, 0) for m in mentors}
    return [m for m in mentors if free[m.pk] > 0], free


def _languages(person_ids: list[int]) -> dict[int, dict[str, str]]:
    by_person: dict[int, dict[str, str]] = defaultdict(dict)
    for person_id, code, level in PersonLanguage.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "language_id", "level"
    ):
        by_person[person_id][code] = level
    return by_person


def build_snapshot(cohort: Cohort) -> dict[str, Any]:
    """Everything the engine needs about the cohort's pool, as plain JSON."""
    mentees = mentee_pool(cohort)
    mentors, free = mentor_pool(cohort)
    languages = _languages([m.person_id for m in mentees] + [m.person_id for m in mentors])
    territory = cohort.territory_id
    mentee_rows = []
    for profile in mentees:
        spoken = dict(languages.get(profile.person_id, {}))
        # The French level on the file is the one the coordinator assessed: it wins.
        spoken["fr"] = profile.french_level
        mentee_rows.append(
            {
                "id": profile.pk,
                "territory": territory,
                "languages": spoken,
                "target_rome": sorted(o.code for o in profile.target_occupations.all())[:3],
                "lat": profile.home.latitude if profile.home else None,
                "lon": profile.home.longitude if profile.home else None,
                "gender": profile.person.gender or None,
                "gender_preference": profile.gender_preference or None,
                "gender_required": bool(profile.gender_preference and profile.gender_preference_required),
                "meeting_mode": profile.meeting_mode,
                "availability": availability_mask(profile.availability),
            }
        )
    mentor_rows = []
    for mentor in mentors:
        mentor_rows.append(
            {
                "id": mentor.pk,
                "territory": territory,
                "languages": languages.get(mentor.person_id, {}),
                "rome": mentor.occupation_id,
                "naf_sector": mentor.company.sector_id,
                "company": mentor.company_id,
                "lat": mentor.workplace.latitude if mentor.workplace else None,
                "lon": mentor.workplace.longitude if mentor.workplace else None,
                "gender": mentor.person.gender or None,
                "gender_preference": mentor.gender_preference or None,
                "gender_required": bool(mentor.gender_preference and mentor.gender_preference_required),
                "meeting_mode": mentor.meeting_mode,
                "availability": availability_mask(mentor.availability),
                "capacity": free[mentor.pk],
                "trained": mentor.is_matchable,
            }
        )
    sectors = {row["naf_sector"] for row in mentor_rows if row["naf_sector"]}
    sector_codes: dict[str, list[str]] = defaultdict(list)
    for code, rome in Sector.occupations.through.objects.filter(sector_id__in=sectors).values_list(
        "sector_id", "occupation_id"
    ):
        sector_codes[code].append(rome)
    return {
        "version": SNAPSHOT_VERSION,
        "mentees": mentee_rows,
        "mentors": mentor_rows,
        "sector_codes": {code: sorted(codes) for code, codes in sorted(sector_codes.items())},
        "mentors_at_capacity": sum(1 for value in free.values() if value == 0),
    }


def problem_from_snapshot(snapshot: dict[str, Any]) -> matching.Problem:
    import matching  # on first use, not at start-up: see the module docstring

    mentees = [matching.Mentee(**{**row, "target_rome": tuple(row["target_rome"])}) for row in snapshot["mentees"]]
    mentors = [matching.Mentor(**row) for row in snapshot["mentors"]]
    return matching.Problem.build(mentees, mentors, snapshot["sector_codes"])


def options_for(weights: dict[str, float], mode: str) -> matching.Options:
    import matching  # on first use, not at start-up

    return matching.Options(weights=matching.Weights(**weights), mode=mode)  # type: ignore[arg-type]


def to_indices(problem: matching.Problem, pairs: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
    """Database (mentee profile id, mentor profile id) pairs → engine indices; pairs whose people
    left the pool are dropped (a pin or forbid on someone no longer there has nothing to act on)."""
    known_mentees = {person.id: k for k, person in enumerate(problem.mentees)}
    known_mentors = {person.id: k for k, person in enumerate(problem.mentors)}
    return [(known_mentees[a], known_mentors[b]) for a, b in pairs if a in known_mentees and b in known_mentors]
