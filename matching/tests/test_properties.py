"""Property tests: valid, optimal (brute force), additive, solver-independent, deterministic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Options, PinError, solve
from matching.options import SCALE
from matching.solve import score_matrix
from matching.tests.helpers import brute_force, random_problem

seeds = st.integers(0, 2**32 - 1)
modes = st.sampled_from(["coverage_first", "quality_first"])


def assert_valid(problem, result, ok, pins=(), forbids=()):
    pairs = result.pairs
    mentees = [i for i, _ in pairs]
    assert len(mentees) == len(set(mentees)), "a mentee is matched twice"
    used = np.bincount([j for _, j in pairs], minlength=problem.m)
    assert np.all(used <= problem.capacity), "a mentor is over capacity"
    assert all(ok[i, j] for i, j in pairs), "an infeasible pair was proposed"
    assert set(pins) <= set(pairs), "a pin is missing"
    assert not set(forbids) & set(pairs), "a forbidden pair was proposed"
    assert pairs == sorted(pairs)
    unmatched = {r.index for r in result.unmatched_mentees}
    assert unmatched == set(range(problem.n)) - set(mentees)
    assert {r.index for r in result.unmatched_mentors} == {j for j in range(problem.m) if used[j] == 0}


@settings(max_examples=60, deadline=None)
@given(seed=seeds, n=st.integers(0, 5), m=st.integers(0, 4), mode=modes, solver=st.sampled_from(["dense", "flow"]))
def test_every_result_is_a_valid_matching_with_the_brute_force_optimum(seed, n, m, mode, solver):
    problem = random_problem(seed, n, m)
    options = Options(mode=mode, solver=solver, min_score=0.5)
    result = solve(problem, options)
    score, ok = score_matrix(problem, options)
    assert_valid(problem, result, ok)
    matched, total = brute_force(score, ok, problem.capacity, options)
    assert result.objective == total
    if mode == "coverage_first":
        assert result.matched == matched


@settings(max_examples=40, deadline=None)
@given(seed=seeds, n=st.integers(1, 5), m=st.integers(1, 4), data=st.data())
def test_pins_and_forbids_are_honoured_and_the_rest_is_optimal(seed, n, m, data):
    problem = random_problem(seed, n, m)
    options = Options()
    score, ok = score_matrix(problem, options)
    feasible = [(i, j) for i in range(n) for j in range(m) if ok[i, j]]
    pins = data.draw(st.lists(st.sampled_from(feasible), max_size=2, unique_by=lambda x: x[0])) if feasible else []
    forbids = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), max_size=3))
    forbids = [f for f in forbids if f not in pins]
    over = [j for j in {j for _, j in pins} if sum(1 for _, b in pins if b == j) > problem.capacity[j]]
    if over:
        with pytest.raises(PinError) as error:
            solve(problem, options, pins=pins, forbids=forbids)
        assert error.value.code == "mentor_over_capacity"
        return
    result = solve(problem, options, pins=pins, forbids=forbids)
    _, ok_forbid = score_matrix(problem, options, forbids)
    for i, j in pins:
        ok_forbid[i, j] = True
    assert_valid(problem, result, ok_forbid, pins, forbids)
    matched, total = brute_force(score, ok_forbid, problem.capacity, options, pins)
    assert (result.matched, result.objective) == (matched, total)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, n=st.integers(1, 8), m=st.integers(1, 8), mode=modes)
def test_explanation_parts_add_up_to_the_score(seed, n, m, mode):
    problem = random_problem(seed, n, m)
    options = Options(mode=mode)
    result = solve(problem, options)
    score, _ = score_matrix(problem, options)
    for duo in result.duos:
        assert sum(duo.contributions.values()) == duo.score
        assert abs(duo.score - score[duo.mentee, duo.mentor] / SCALE) < 2e-6
        assert 0.0 <= duo.score <= 1.0 + 1e-9
        assert duo.rank >= 1
    assert result.total_score == sum(d.score for d in result.duos)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, n=st.integers(0, 12), m=st.integers(0, 10), mode=modes)
def test_the_flow_path_with_enough_candidates_equals_the_dense_path(seed, n, m, mode):
    problem = random_problem(seed, n, m)
    dense = solve(problem, Options(mode=mode, solver="dense"))
    flow = solve(problem, Options(mode=mode, solver="flow", top_k=max(m, 1)))
    assert dense.solver == "dense"
    assert flow.solver.startswith("flow")
    assert (flow.matched, flow.objective) == (dense.matched, dense.objective)
    # Rank: among feasible mentors with capacity, 1 + those scoring strictly higher.
    score, ok = score_matrix(problem, Options(mode=mode))
    ok &= problem.capacity > 0
    for duo in (*dense.duos, *flow.duos):
        better = ok[duo.mentee] & (score[duo.mentee] > score[duo.mentee, duo.mentor])
        assert duo.rank == 1 + int(np.count_nonzero(better))


@settings(max_examples=25, deadline=None)
@given(seed=seeds, n=st.integers(0, 15), m=st.integers(0, 12), solver=st.sampled_from(["dense", "flow"]))
def test_the_same_input_gives_the_same_output(seed, n, m, solver):
    options = Options(solver=solver, top_k=3)
    first = solve(random_problem(seed, n, m), options)
    second = solve(random_problem(seed, n, m), options)
    assert first == second


@settings(max_examples=30, deadline=None)
@given(seed=seeds, n=st.integers(2, 12), m=st.integers(2, 10), k=st.integers(1, 3))
def test_a_small_top_k_never_beats_the_exact_optimum(seed, n, m, k):
    problem = random_problem(seed, n, m)
    exact = solve(problem, Options(solver="dense"))
    limited = solve(problem, Options(solver="flow", top_k=k))
    assert (limited.matched, limited.objective) <= (exact.matched, exact.objective)
