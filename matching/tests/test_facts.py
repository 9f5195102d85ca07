"""The facts a board shows next to the bars agree with what the criteria scored."""

from __future__ import annotations

import numpy as np
import pytest

from matching import Mentee, Mentor, Options, slot
from matching.criteria import CRITERION_FUNCTIONS, distance_km
from matching.facts import pair_facts
from matching.profiles import OCCUPATION_LEVELS

from .helpers import SECTORS, random_problem


def test_a_hand_made_pair_reads_as_km_languages_slots_and_occupation() -> None:
    mentee = Mentee(
        id=1,
        territory=1,
        languages={"fr": "B1", "ar": "native", "en": "A2"},
        target_rome=("M1801", "D1106"),
        lat=48.8566,
        lon=2.3522,
        availability=slot(0, 0) | slot(2, 2) | slot(4, 1),
    )
    mentor = Mentor(
        id=2,
        territory=1,
        languages={"fr": "native", "en": "C1"},
        rome="M1805",
        naf_sector="47",
        lat=48.8049,
        lon=2.1204,  # Versailles
        availability=slot(2, 2) | slot(4, 1) | slot(6, 0),
    )
    facts = pair_facts(mentee, mentor, SECTORS)
    assert facts.distance_km == pytest.approx(17.6, abs=0.5)
    assert [(s.code, s.mentee_level, s.mentor_level) for s in facts.languages] == [
        ("fr", "B1", "native"),
        ("en", "A2", "C1"),
    ]
    assert facts.shared_slots == ((2, 2), (4, 1))  # Wednesday evening, Friday afternoon
    assert (facts.occupation, facts.occupation_target) == ("same_family", "M1801")


def test_a_pair_without_places_or_common_ground_says_so() -> None:
    facts = pair_facts(Mentee(id=1, territory=1, languages={"ar": "C1"}), Mentor(id=2, territory=1))
    assert facts.distance_km is None
    assert facts.languages == ()
    assert facts.shared_slots == ()
    assert facts.occupation is None


@pytest.mark.parametrize("seed", range(3))
def test_the_facts_agree_with_the_criteria_on_random_pairs(seed: int) -> None:
    problem = random_problem(seed, 8, 6)
    options = Options()
    for i, mentee in enumerate(problem.mentees):
        for j, mentor in enumerate(problem.mentors):
            facts = pair_facts(mentee, mentor, SECTORS)
            ii, jj = np.array([i]), np.array([j])
            km = float(distance_km(problem, ii, jj)[0])
            if facts.distance_km is None:
                assert np.isnan(km)
            else:
                assert facts.distance_km == pytest.approx(km, abs=0.05)
            occupation = float(CRITERION_FUNCTIONS["occupation"](problem, ii, jj, options)[0])
            expected = OCCUPATION_LEVELS[facts.occupation] if facts.occupation else 0.0
            assert occupation == pytest.approx(expected)
            smaller = min(bin(mentee.availability).count("1"), bin(mentor.availability).count("1"))
            if smaller:
                availability = float(CRITERION_FUNCTIONS["availability"](problem, ii, jj, options)[0])
                assert availability == pytest.approx(len(facts.shared_slots) / smaller)
            language = float(CRITERION_FUNCTIONS["language"](problem, ii, jj, options)[0])
            assert (language > 0) == bool(facts.languages)
