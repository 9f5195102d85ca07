"""The low-level `assign`: exact maximum-weight b-matching on a score matrix."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linear_sum_assignment

from matching import assign, greedy


def total(scores, pairs):
    return sum(scores[i][j] for i, j in pairs)


def brute(scores, allowed, capacity, penalty):
    n, m = scores.shape
    best = -np.inf
    for combo in itertools.product(range(-1, m), repeat=n):
        used = np.bincount([j for j in combo if j >= 0], minlength=m)
        if np.any(used > capacity) or any(j >= 0 and not allowed[i, j] for i, j in enumerate(combo)):
            continue
        value = sum(scores[i, j] if j >= 0 else -penalty[i] for i, j in enumerate(combo))
        best = max(best, value)
    return best


small = st.tuples(st.integers(1, 4), st.integers(1, 4))


@settings(max_examples=80, deadline=None)
@given(shape=small, data=st.data())
def test_assign_equals_brute_force_with_capacities_masks_and_penalties(shape, data):
    scores = data.draw(hnp.arrays(np.float64, shape, elements=st.integers(-5, 10).map(float)))
    allowed = data.draw(hnp.arrays(np.bool_, shape))
    capacity = data.draw(hnp.arrays(np.int64, shape[1], elements=st.integers(0, 2)))
    penalty = data.draw(hnp.arrays(np.float64, shape[0], elements=st.integers(0, 6).map(float)))
    pairs = assign(scores, allowed, capacity, penalty)
    used = np.bincount([j for _, j in pairs], minlength=shape[1])
    assert np.all(used <= capacity)
    assert len({i for i, _ in pairs}) == len(pairs)
    assert all(allowed[i, j] for i, j in pairs)
    matched = {i for i, _ in pairs}
    value = total(scores, pairs) - sum(penalty[i] for i in range(shape[0]) if i not in matched)
    assert value == brute(scores, allowed, capacity, penalty)
    flow = assign(scores, allowed, capacity, penalty, method="flow")
    flow_matched = {i for i, _ in flow}
    flow_value = total(scores, flow) - sum(penalty[i] for i in range(shape[0]) if i not in flow_matched)
    assert flow_value == value


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(1, 30), m=st.integers(1, 30))
def test_assign_equals_scipy_on_random_dense_positive_instances(data, n, m):
    scores = data.draw(hnp.arrays(np.float64, (n, m), elements=st.floats(0.001, 1.0)))
    rows, cols = linear_sum_assignment(scores, maximize=True)
    pairs = assign(scores)
    assert total(scores, pairs) == pytest.approx(scores[rows, cols].sum(), rel=1e-12, abs=1e-12)
    assert len(pairs) == min(n, m)  # every pair is positive, so a maximum matching is optimal


def test_by_default_a_pair_is_made_only_when_it_raises_the_total():
    # Mentee 0 likes mentor 0 a lot; matching both mentees would need the poor pairs.
    scores = np.array([[10.0, 1.0], [1.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    assert assign(scores, allowed) == [(0, 0)]
    # A penalty for leaving a mentee unmatched favours coverage.
    assert assign(scores, allowed, unmatched_penalty=100.0) == [(0, 1), (1, 0)]


def test_pairs_with_zero_or_negative_scores_are_never_made():
    assert assign(np.array([[0.0, -1.0], [-2.0, 0.0]])) == []
    assert assign(np.array([[0.0, -1.0]]), unmatched_penalty=0.5) == [(0, 0)]


def test_a_mentor_with_capacity_two_takes_two_mentees():
    scores = np.array([[5.0, 1.0], [4.0, 1.0], [3.0, 1.0]])
    assert assign(scores, capacity=[2, 1]) == [(0, 0), (1, 0), (2, 1)]


def test_nan_scores_and_disallowed_pairs_are_never_made():
    scores = np.array([[np.nan, 1.0], [9.0, 0.5]])
    assert assign(scores, allowed=[[True, True], [False, True]]) == [(0, 1)]


def test_the_flow_method_rejects_non_integer_scores():
    with pytest.raises(ValueError, match="integer"):
        assign([[0.5]], method="flow")


def test_greedy_can_be_worse_than_the_optimum():
    scores = np.array([[10.0, 9.0], [9.0, 0.5]])
    assert greedy(scores) == [(0, 0), (1, 1)]
    assert total(scores, assign(scores)) == 18.0 > total(scores, greedy(scores))


def test_importing_the_engine_loads_neither_scipy_nor_or_tools():
    # Web workers import `matching` through the pairing app: the solvers load on first use only.
    import subprocess
    import sys

    code = "import sys, matching; print(sorted(m for m in ('scipy', 'ortools') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_tall_matrix_with_capacities_nan_and_a_mask_matches_brute_force():
    rng = np.random.default_rng(3)
    scores = rng.integers(-3, 9, (5, 2)).astype(float)
    scores[1, 0] = np.nan
    allowed = rng.random((5, 2)) < 0.8
    capacity = np.array([2, 1])
    pairs = assign(scores, allowed, capacity)
    ok = allowed & ~np.isnan(scores)
    assert total(scores, pairs) == brute(np.nan_to_num(scores), ok, capacity, np.zeros(5))
