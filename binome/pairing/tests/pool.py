"""A big matching pool in a few bulk inserts, for the tests that pin the board's cost.

The services create people one at a time (audit lines, languages, accounts): right for the app,
too slow to build hundreds of people in a test. These rows hold what the engine and the board
read, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from binome.cohorts.models import Cohort
from binome.organisations.models import Organisation
from binome.people.models import AVAILABILITY_SLOTS, MenteeProfile, MentorProfile, Person, PersonLanguage
from binome.sourcing.models import Referral

#: Occupations the pool wants and offers (developer, baker, accountant, care assistant).
OCCUPATIONS = ["M1805", "D1102", "M1203", "J1501"]
LEVELS = ["B1", "B2", "C1"]


@dataclass
class Pool:
    mentees: list[MenteeProfile]
    mentors: list[MentorProfile]


def _people(cohort: Cohort, side: str, count: int) -> list[Person]:
    people = [
        Person(
            first_name=f"{side.title()}{number:04d}",
            last_name="Pool",
            email=f"{side}{number}@pool.test",
            territory_id=cohort.territory_id,
            name_key=Person.name_key_for(f"{side}{number:04d}", "Pool"),
        )
        for number in range(count)
    ]
    return Person.objects.bulk_create(people)


def _slots(number: int) -> list[str]:
    """Three weekly slots that drift with the number, so availabilities overlap only in part."""
    return [AVAILABILITY_SLOTS[(number + step * 5) % len(AVAILABILITY_SLOTS)] for step in range(3)]


def bulk_pool(
    cohort: Cohort, *, company: Organisation, partner: Organisation, place_id: int, mentees: int, mentors: int
) -> Pool:
    """`mentees` people enrolled in the cohort and `mentors` trained mentors of its territory."""
    mentee_people = _people(cohort, "mentee", mentees)
    mentor_people = _people(cohort, "mentor", mentors)
    PersonLanguage.objects.bulk_create(
        [PersonLanguage(person=p, language_id="fr", level="native") for p in mentor_people]
        + [PersonLanguage(person=p, language_id="ar", level="native") for p in mentee_people]
    )
    mentee_profiles = MenteeProfile.objects.bulk_create(
        [
            MenteeProfile(
                person=person,
                protection_status=MenteeProfile.ProtectionStatus.REFUGEE,
                french_level=LEVELS[number % len(LEVELS)],
                home_id=place_id,
                availability=_slots(number),
            )
            for number, person in enumerate(mentee_people)
        ]
    )
    MenteeProfile.target_occupations.through.objects.bulk_create(
        [
            MenteeProfile.target_occupations.through(
                menteeprofile_id=profile.pk, occupation_id=OCCUPATIONS[number % len(OCCUPATIONS)]
            )
            for number, profile in enumerate(mentee_profiles)
        ]
    )
    mentor_profiles = MentorProfile.objects.bulk_create(
        [
            MentorProfile(
                person=person,
                company=company,
                job_title=f"Job {number % 7}",
                occupation_id=OCCUPATIONS[(number // 2) % len(OCCUPATIONS)],
                workplace_id=place_id,
                availability=_slots(number + 1),
                training_status=MentorProfile.Training.COMPLETED,
            )
            for number, person in enumerate(mentor_people)
        ]
    )
    Referral.objects.bulk_create(
        [
            Referral(person=person, partner=partner, status=Referral.Status.ENROLLED, cohort=cohort)
            for person in mentee_people
        ]
    )
    return Pool(mentee_profiles, mentor_profiles)
