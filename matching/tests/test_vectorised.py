"""The vectorised scoring (class tables, unit-vector distances, top-K by partition, reasons
counted per class) against a per-pair computation written from the definition in
matching/README.md, on small random problems."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import PRESETS, Mentee, Mentor, Options, Problem, Weights, scoring, solve
from matching.options import SCALE
from matching.solve import candidate_pairs, score_matrix
from matching.tests.helpers import SECTORS, random_problem

seeds = st.integers(0, 2**32 - 1)
RANK = {level: k for k, level in enumerate(["A1", "A2", "B1", "B2", "C1", "C2", "native"], start=1)}
LEVEL_VALUE = {"A1": 0.15, "A2": 0.3, "B1": 0.5, "B2": 0.7, "C1": 0.85, "C2": 0.95, "native": 1.0}
MODE = {
    ("either", "either"): 1.0,
    ("in_person", "in_person"): 1.0,
    ("remote", "remote"): 1.0,
    ("in_person", "remote"): 0.0,
    ("remote", "in_person"): 0.0,
}


def occupation(s: Mentee, t: Mentor) -> float:
    best = 0.0
    listed = set(SECTORS.get(t.naf_sector or "", ()))
    for target in s.target_rome:
        if t.rome == target:
            best = max(best, 1.0)
        elif t.rome and t.rome[:3] == target[:3]:
            best = max(best, 0.6)
        elif t.rome and t.rome[0] == target[0]:
            best = max(best, 0.3)
        if target in listed:
            best = max(best, 0.4)
    return best


def language(s: Mentee, t: Mentor) -> float:
    miss = 1.0
    for code, level in s.languages.items():
        if code in t.languages:
            lower = min(level, t.languages[code], key=RANK.__getitem__)
            miss *= 1 - LEVEL_VALUE[lower]
    return 1 - miss


def distance(s: Mentee, t: Mentor, options: Options) -> float:
    if None in (s.lat, s.lon, t.lat, t.lon):
        return options.neutral
    phi1, phi2 = math.radians(s.lat), math.radians(t.lat)  # type: ignore[arg-type]
    dphi, dlam = phi2 - phi1, math.radians(t.lon - s.lon)  # type: ignore[operator]
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    km = 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
    return math.exp(-km / options.distance_scale_km)


def availability(s: Mentee, t: Mentor, options: Options) -> float:
    smaller = min(s.availability.bit_count(), t.availability.bit_count())
    return (s.availability & t.availability).bit_count() / smaller if smaller else options.neutral


def gender_preference(s: Mentee, t: Mentor) -> float:
    met_s = s.gender_preference is None or s.gender_preference == t.gender
    met_t = t.gender_preference is None or t.gender_preference == s.gender
    return (met_s + met_t) / 2


def definition_score(s: Mentee, t: Mentor, options: Options) -> float:
    values = {
        "occupation": occupation(s, t),
        "language": language(s, t),
        "distance": distance(s, t, options),
        "availability": availability(s, t, options),
        "gender_preference": gender_preference(s, t),
        "meeting_mode": MODE.get((s.meeting_mode, t.meeting_mode), 0.75),
    }
    return sum(w * values[name] for name, w in options.weights.normalised().items())


def definition_stage(s: Mentee, t: Mentor, options: Options) -> int:
    """How many of the funnel's constraints the pair passes, in README order (5 = feasible)."""
    least = RANK[options.min_language_level]
    checks = [
        s.territory == t.territory,
        t.trained,
        any(RANK[lv] >= least and RANK.get(t.languages.get(code, ""), 0) >= least for code, lv in s.languages.items()),
        (not s.gender_required or s.gender_preference == t.gender)
        and (not t.gender_required or t.gender_preference == s.gender),
        t.company not in s.excluded_companies and t.id not in s.excluded_mentors,
    ]
    passed = 0
    for ok in checks:
        if not ok:
            break
        passed += 1
    return passed


weights = st.sampled_from(
    [*PRESETS.values(), Weights(distance=1.0, occupation=0.0, language=0.0), Weights(distance=0.0, availability=0.0)]
)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, n=st.integers(0, 12), m=st.integers(0, 10), w=weights, level=st.sampled_from(["A2", "B1", "C1"]))
def test_every_cell_scores_and_is_feasible_as_the_definition_says(seed, n, m, w, level):
    problem = random_problem(seed, n, m)
    options = Options(weights=w, min_language_level=level)
    score, ok = score_matrix(problem, options)
    for i, s in enumerate(problem.mentees):
        for j, t in enumerate(problem.mentors):
            assert ok[i, j] == (definition_stage(s, t, options) == 5), (i, j)
            assert abs(score[i, j] / SCALE - definition_score(s, t, options)) <= 1e-6, (i, j)


@settings(max_examples=30, deadline=None)
@given(
    seed=seeds,
    n=st.integers(1, 12),
    m=st.integers(1, 10),
    k=st.integers(1, 6),
    mode=st.sampled_from(["coverage_first", "quality_first"]),
)
def test_top_k_candidates_are_each_mentees_best_feasible_mentors_by_score_then_index(seed, n, m, k, mode):
    problem = random_problem(seed, n, m)
    options = Options(top_k=k, mode=mode, min_score=0.5)
    score, ok = score_matrix(problem, options)
    mentee, mentor, pair_score, _ = candidate_pairs(problem, options)
    expected = []
    for i in range(n):
        usable = [j for j in range(m) if ok[i, j] and problem.capacity[j] > 0]
        if mode == "quality_first":
            usable = [j for j in usable if score[i, j] >= round(options.min_score * SCALE)]
        # Mentors of another territory are never candidates (ok is False for them).
        best = sorted(usable, key=lambda j: (-score[i, j], j))[:k]
        expected += [(i, j, int(score[i, j])) for j in best]
    # Territories come one after the other; within a mentee, best first.
    got = sorted(zip(mentee.tolist(), mentor.tolist(), pair_score.tolist(), strict=True), key=lambda x: x[0])
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(data=st.data(), rows=st.integers(1, 6), cols=st.integers(1, 12), k=st.integers(1, 14), lowest=st.integers(-1, 3))
def test_top_k_cells_keeps_the_best_and_the_lowest_columns_among_ties(data, rows, cols, k, lowest):
    q = np.array(
        data.draw(st.lists(st.lists(st.integers(-2, 4), min_size=cols, max_size=cols), min_size=rows, max_size=rows)),
        dtype=np.int32,
    )
    r, c = scoring.top_k_cells(q.copy(), k, lowest)
    expected = []
    for row in range(rows):
        keep = sorted((c2 for c2 in range(cols) if q[row, c2] >= lowest), key=lambda c2: (-q[row, c2], c2))[:k]
        expected += [(row, c2) for c2 in keep]
    assert list(zip(r.tolist(), c.tolist(), strict=True)) == expected


@settings(max_examples=30, deadline=None)
@given(
    seed=seeds, n=st.integers(1, 12), m=st.integers(1, 10), mode=st.sampled_from(["coverage_first", "quality_first"])
)
def test_reason_counts_are_the_funnel_counted_pair_by_pair(seed, n, m, mode):
    problem = random_problem(seed, n, m)
    options = Options(mode=mode, min_score=0.5)
    result = solve(problem, options)
    keys = ["in_territory", "trained", "shared_language", "gender_compatible", "feasible"]
    for reason in result.unmatched_mentees:
        s = problem.mentees[reason.index]
        stages = [definition_stage(s, t, options) for t in problem.mentors]
        for depth, key in enumerate(keys, start=1):
            assert reason.params[key] == sum(1 for x in stages if x >= depth), (reason, key)
    for reason in result.unmatched_mentors:
        t = problem.mentors[reason.index]
        if reason.code in ("untrained", "no_capacity"):
            continue
        stages = [definition_stage(s, t, options) for s in problem.mentees]
        for depth, key in enumerate(keys, start=1):
            assert reason.params[key] == sum(1 for x in stages if x >= depth), (reason, key)


@settings(max_examples=25, deadline=None)
@given(seed=seeds, n=st.integers(0, 10), m=st.integers(0, 8), solver=st.sampled_from(["dense", "flow"]))
def test_without_class_tables_the_per_cell_fallback_gives_the_same_result(seed, n, m, solver):
    problem = random_problem(seed, n, m)
    options = Options(solver=solver, top_k=3)
    with_tables = solve(problem, options)
    score, ok = score_matrix(problem, options)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scoring, "MAX_TABLE_CELLS", 0)
        fallback = solve(problem, options)
        fallback_score, fallback_ok = score_matrix(problem, options)
    # The fallback adds the same float32 values in another order: a cell may move by one unit.
    assert np.array_equal(fallback_ok, ok)
    assert np.abs(fallback_score - score).max(initial=0) <= 1
    assert fallback.matched == with_tables.matched
    assert abs(fallback.objective - with_tables.objective) <= fallback.matched
    assert [r.params for r in fallback.unmatched_mentors] == [r.params for r in with_tables.unmatched_mentors]


def test_many_identical_people_tie_and_the_lower_mentor_index_wins():
    mentees = [Mentee(id=k, territory=1, languages={"fr": "B2"}, target_rome=("M1805",)) for k in range(4)]
    mentors = [Mentor(id=10 + k, territory=1, languages={"fr": "native"}, rome="M1805") for k in range(6)]
    problem = Problem.build(mentees, mentors)
    mentee, mentor, _, _ = candidate_pairs(problem, Options(top_k=2))
    assert list(zip(mentee.tolist(), mentor.tolist(), strict=True)) == [(i, j) for i in range(4) for j in (0, 1)]
