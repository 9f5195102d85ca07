"""Every rule of the pre-check: met, not met, and unknown when the data is missing."""

from __future__ import annotations

from datetime import date

import pytest

from binome.reference.models import Place
from binome.sourcing.eligibility import Outcome, age_on, precheck_person, rules_for
from binome.sourcing.models import EligibilityRules
from binome.sourcing.tests.referral_fixtures import national_rules  # noqa: F401
from conftest import LYON, Cast

TODAY = date(2026, 11, 24)


def outcome(cast: Cast, rule: str, today: date = TODAY) -> Outcome:
    person = type(cast.chloe.person).objects.get(pk=cast.chloe.person_id)  # fresh: no stale profile cache
    return precheck_person(person, today=today).outcome_of(rule)


@pytest.fixture
def chloe_complete(cast: Cast, national_rules: EligibilityRules) -> Cast:  # noqa: F811
    person, profile = cast.chloe.person, cast.chloe
    person.date_of_birth = date(1995, 5, 1)
    person.save()
    profile.available_six_months = True
    profile.save()
    return cast


def test_a_complete_file_meets_every_rule(chloe_complete: Cast) -> None:
    check = precheck_person(chloe_complete.chloe.person, today=TODAY)
    assert [r.rule for r in check.results] == [
        "protection_status",
        "right_to_work",
        "age",
        "french_level",
        "residence",
        "six_months",
        "project",
    ]
    assert check.all_met
    assert not check.failed


@pytest.mark.parametrize(
    ("status", "expected"), [("refugee", Outcome.MET), ("asylum_seeker", Outcome.NOT_MET), ("", Outcome.UNKNOWN)]
)
def test_protection_status_must_be_in_the_allowed_set(chloe_complete: Cast, status: str, expected: Outcome) -> None:
    chloe_complete.chloe.protection_status = status
    chloe_complete.chloe.save()
    assert outcome(chloe_complete, "protection_status") == expected


def test_an_empty_allowed_set_accepts_any_status(chloe_complete: Cast) -> None:
    EligibilityRules.objects.filter(territory=None).update(protection_statuses=[])
    chloe_complete.chloe.protection_status = "asylum_seeker"
    chloe_complete.chloe.save()
    check = precheck_person(chloe_complete.chloe.person, today=TODAY)
    assert "protection_status" not in [r.rule for r in check.results]


def test_right_to_work_is_met_or_not(chloe_complete: Cast) -> None:
    assert outcome(chloe_complete, "right_to_work") == Outcome.MET
    chloe_complete.chloe.right_to_work = False
    chloe_complete.chloe.save()
    assert outcome(chloe_complete, "right_to_work") == Outcome.NOT_MET


def test_right_to_work_is_unknown_without_a_profile(cast: Cast, national_rules: EligibilityRules) -> None:  # noqa: F811
    check = precheck_person(cast.ben.person, today=TODAY)  # a mentor: no mentee profile
    assert check.outcome_of("right_to_work") == Outcome.UNKNOWN
    assert check.outcome_of("project") == Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2008, 11, 24), Outcome.MET),  # 18 today
        (date(2008, 11, 25), Outcome.NOT_MET),  # 18 tomorrow
        (date(1960, 1, 1), Outcome.NOT_MET),  # over the maximum set below
        (None, Outcome.UNKNOWN),
    ],
)
def test_age_must_be_in_the_range(chloe_complete: Cast, born: date | None, expected: Outcome) -> None:
    EligibilityRules.objects.filter(territory=None).update(min_age=18, max_age=60)
    chloe_complete.chloe.person.date_of_birth = born
    chloe_complete.chloe.person.save()
    assert outcome(chloe_complete, "age") == expected


def test_age_counts_birthdays_not_years() -> None:
    assert age_on(date(2000, 12, 31), date(2026, 12, 30)) == 25
    assert age_on(date(2000, 12, 31), date(2026, 12, 31)) == 26


@pytest.mark.parametrize(("level", "expected"), [("A1", Outcome.NOT_MET), ("A2", Outcome.MET), ("native", Outcome.MET)])
def test_french_level_must_reach_the_minimum(chloe_complete: Cast, level: str, expected: Outcome) -> None:
    chloe_complete.chloe.french_level = level
    chloe_complete.chloe.save()
    assert outcome(chloe_complete, "french_level") == expected


def test_french_level_is_unknown_when_not_recorded(chloe_complete: Cast) -> None:
    chloe_complete.chloe.french_level = ""
    chloe_complete.chloe.save()
    assert outcome(chloe_complete, "french_level") == Outcome.UNKNOWN


def test_living_within_the_territory_radius_meets_the_residence_rule(chloe_complete: Cast) -> None:
    check = precheck_person(chloe_complete.chloe.person, today=TODAY)
    assert check.outcome_of("residence") == Outcome.MET
    assert "0 km" in next(r.reason for r in check.results if r.rule == "residence")


def test_living_in_lyon_is_too_far_from_paris(chloe_complete: Cast) -> None:
    chloe_complete.chloe.home_id = LYON
    chloe_complete.chloe.save()
    check = precheck_person(chloe_complete.chloe.person, today=TODAY)
    assert check.outcome_of("residence") == Outcome.NOT_MET
    assert "Lyon" in next(r.reason for r in check.results if r.rule == "residence")


def test_a_larger_max_distance_or_a_listed_place_meets_the_residence_rule(chloe_complete: Cast) -> None:
    chloe_complete.chloe.home_id = LYON
    chloe_complete.chloe.save()
    rules = EligibilityRules.objects.get(territory=None)
    rules.max_distance_km = 500  # Paris–Lyon is about 390 km
    rules.save()
    assert outcome(chloe_complete, "residence") == Outcome.MET
    rules.max_distance_km = 10
    rules.save()
    assert outcome(chloe_complete, "residence") == Outcome.NOT_MET
    rules.places.add(Place.objects.get(pk=LYON))
    assert outcome(chloe_complete, "residence") == Outcome.MET


def test_residence_is_unknown_without_a_home_town(chloe_complete: Cast) -> None:
    chloe_complete.chloe.home = None
    chloe_complete.chloe.save()
    assert outcome(chloe_complete, "residence") == Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("value", "expected"), [(True, Outcome.MET), (False, Outcome.NOT_MET), (None, Outcome.UNKNOWN)]
)
def test_six_month_availability(chloe_complete: Cast, value: bool | None, expected: Outcome) -> None:
    chloe_complete.chloe.available_six_months = value
    chloe_complete.chloe.save()
    assert outcome(chloe_complete, "six_months") == expected


def test_a_professional_project_needs_a_target_occupation(chloe_complete: Cast) -> None:
    assert outcome(chloe_complete, "project") == Outcome.MET
    chloe_complete.chloe.target_occupations.clear()
    assert outcome(chloe_complete, "project") == Outcome.NOT_MET


def test_a_territory_rule_set_replaces_the_national_default(chloe_complete: Cast) -> None:
    own = EligibilityRules.objects.create(territory=chloe_complete.paris, min_french_level="C1", min_age=None)
    assert rules_for(chloe_complete.paris) == own
    assert rules_for(chloe_complete.lyon) == EligibilityRules.objects.get(territory=None)
    assert outcome(chloe_complete, "french_level") == Outcome.NOT_MET  # B1 < C1
    check = precheck_person(chloe_complete.chloe.person, today=TODAY)
    assert "age" not in [r.rule for r in check.results]  # no age bounds in Paris's own set


def test_switched_off_rules_are_not_checked(chloe_complete: Cast) -> None:
    EligibilityRules.objects.filter(territory=None).update(
        require_right_to_work=False,
        require_six_month_availability=False,
        require_target_occupation=False,
        min_french_level="",
        min_age=None,
    )
    check = precheck_person(chloe_complete.chloe.person, today=TODAY)
    assert [r.rule for r in check.results] == ["protection_status", "residence"]


def test_without_any_rule_set_the_precheck_is_empty(cast: Cast) -> None:
    EligibilityRules.objects.all().delete()
    assert precheck_person(cast.chloe.person, today=TODAY).results == []


def test_a_fresh_install_has_a_national_default(db: object) -> None:
    assert EligibilityRules.objects.filter(territory=None).exists()  # from the data migration
