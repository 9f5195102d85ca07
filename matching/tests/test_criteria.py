"""Each criterion on hand-made pairs."""

from __future__ import annotations

import numpy as np
import pytest

from matching import PRESETS, Mentee, Mentor, Options, Problem, Weights, slot
from matching.criteria import CRITERION_FUNCTIONS, distance_km, score

OPTIONS = Options()


def value(criterion, mentee, mentor, sectors=None, options=OPTIONS):
    p = Problem.build([mentee], [mentor], sectors)
    i, j = np.array([0]), np.array([0])
    return float(CRITERION_FUNCTIONS[criterion](p, i, j, options)[0])


def mentee(**kw):
    return Mentee(id=1, territory=1, languages=kw.pop("languages", {"fr": "B2"}), **kw)


def mentor(**kw):
    return Mentor(id=2, territory=1, languages=kw.pop("languages", {"fr": "native"}), **kw)


@pytest.mark.parametrize(
    ("target", "rome", "expected"),
    [
        ("M1805", "M1805", 1.0),
        ("M1805", "M1801", 0.6),
        ("M1805", "M1203", 0.3),
        ("M1805", "A1101", 0.0),
        ("M1805", None, 0.0),
    ],
)
def test_occupation_rewards_the_same_code_then_family_then_domain(target, rome, expected):
    assert value("occupation", mentee(target_rome=(target,)), mentor(rome=rome)) == pytest.approx(expected)


def test_occupation_counts_a_target_listed_by_the_mentors_naf_sector_as_related():
    sectors = {"62": ["M1805"]}
    got = value("occupation", mentee(target_rome=("M1805",)), mentor(rome="A1101", naf_sector="62"), sectors)
    assert got == pytest.approx(0.4)


def test_occupation_takes_the_best_of_the_mentees_targets():
    got = value("occupation", mentee(target_rome=("A1101", "M1801", "M1805")), mentor(rome="M1805"))
    assert got == 1.0


def test_a_shared_native_language_is_a_perfect_language_match():
    assert value("language", mentee(languages={"ar": "native"}), mentor(languages={"ar": "native"})) == 1.0


def test_language_uses_the_lower_of_the_two_levels():
    low = value("language", mentee(languages={"fr": "A2"}), mentor(languages={"fr": "native"}))
    high = value("language", mentee(languages={"fr": "C1"}), mentor(languages={"fr": "native"}))
    assert 0.0 < low < high < 1.0
    assert value("language", mentee(languages={"fr": "native"}), mentor(languages={"fr": "A2"})) == low


def test_each_further_shared_language_raises_the_language_value():
    one = value("language", mentee(languages={"fr": "B2"}), mentor(languages={"fr": "native", "en": "C1"}))
    two = value("language", mentee(languages={"fr": "B2", "en": "B1"}), mentor(languages={"fr": "native", "en": "C1"}))
    assert one < two <= 1.0


def test_no_shared_language_gives_zero():
    assert value("language", mentee(languages={"ps": "native"}), mentor(languages={"fr": "native"})) == 0.0


def test_distance_is_the_great_circle_distance_between_home_and_workplace():
    p = Problem.build([mentee(lat=48.8566, lon=2.3522)], [mentor(lat=45.7640, lon=4.8357)])
    assert float(distance_km(p, np.array([0]), np.array([0]))[0]) == pytest.approx(392.0, abs=2.0)


def test_distance_decays_with_kilometres_and_is_one_at_the_same_place():
    home = mentee(lat=48.8566, lon=2.3522)
    same = value("distance", home, mentor(lat=48.8566, lon=2.3522))
    near = value("distance", home, mentor(lat=48.8566 + 0.05, lon=2.3522))  # about 5.6 km
    far = value("distance", home, mentor(lat=45.7640, lon=4.8357))
    assert same == pytest.approx(1.0)
    assert near == pytest.approx(np.exp(-5.56 / OPTIONS.distance_scale_km), abs=0.01)
    assert far < 1e-6


def test_a_missing_coordinate_gives_the_neutral_distance_value():
    assert value("distance", mentee(lat=None, lon=None), mentor(lat=48.8, lon=2.3)) == OPTIONS.neutral


def test_availability_is_the_overlap_over_the_smaller_set_of_slots():
    monday = slot(0, 0) | slot(0, 1)
    assert value("availability", mentee(availability=monday), mentor(availability=monday | slot(3, 2))) == 1.0
    assert value("availability", mentee(availability=monday), mentor(availability=slot(0, 0) | slot(4, 1))) == 0.5
    assert value("availability", mentee(availability=monday), mentor(availability=slot(5, 2))) == 0.0


def test_unknown_availability_gives_the_neutral_value():
    assert value("availability", mentee(availability=0), mentor(availability=slot(1, 1))) == OPTIONS.neutral


def test_a_soft_gender_preference_counts_for_half_when_only_one_side_is_satisfied():
    assert value("gender_preference", mentee(gender="f", gender_preference="f"), mentor(gender="f")) == 1.0
    assert value("gender_preference", mentee(gender="f", gender_preference="f"), mentor(gender="m")) == 0.5
    assert value("gender_preference", mentee(gender="m"), mentor(gender="f")) == 1.0


def test_in_person_and_remote_preferences_are_incompatible():
    assert value("meeting_mode", mentee(meeting_mode="in_person"), mentor(meeting_mode="remote")) == 0.0
    assert value("meeting_mode", mentee(meeting_mode="remote"), mentor(meeting_mode="remote")) == 1.0
    assert value("meeting_mode", mentee(meeting_mode="either"), mentor(meeting_mode="remote")) == 0.75


def test_weights_are_normalised_so_scores_stay_in_the_unit_interval():
    weights = Weights(occupation=2, language=2, distance=2, availability=2, gender_preference=2, meeting_mode=2)
    assert sum(weights.normalised().values()) == pytest.approx(1.0)
    p = Problem.build(
        [mentee(target_rome=("M1805",), lat=48.8, lon=2.3, availability=slot(0, 0), languages={"fr": "native"})],
        [mentor(rome="M1805", lat=48.8, lon=2.3, availability=slot(0, 0))],
    )
    assert float(score(p, np.array([0]), np.array([0]), Options(weights=weights))[0]) == pytest.approx(1.0)


def test_every_preset_is_valid_and_weighs_its_namesake_most():
    assert set(PRESETS) >= {"balanced", "occupation_first", "proximity_first"}
    assert max(PRESETS["occupation_first"].as_dict().items(), key=lambda kv: kv[1])[0] == "occupation"
    assert max(PRESETS["proximity_first"].as_dict().items(), key=lambda kv: kv[1])[0] == "distance"


def test_bad_weights_and_options_are_rejected_loudly():
    with pytest.raises(ValueError, match="non-negative"):
        Weights(occupation=-1)
    with pytest.raises(ValueError, match="positive"):
        Weights(0, 0, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="language level"):
        Options(min_language_level="B3")
    with pytest.raises(ValueError, match="not a ROME code"):
        Mentee(id=1, territory=1, target_rome=("X12",))
    with pytest.raises(ValueError, match="unknown level"):
        Mentor(id=1, territory=1, languages={"fr": "fluent"})
