"""Disclosure control, checked against bounds computed here independently of binome.impact.disclosure.

The attacker's knowledge is written from the definition: every published cell, the additivity of
rows and columns (each row's cells sum to its row total, each column's to its column total, the
totals to the grand total) and that counts are whole numbers ≥ 0. From that, (a) a continuous
linear program over ALL cells (published ones fixed by equality; for such tables its vertices are
whole numbers, the constraint matrix being a network matrix) and (b) brute-force enumeration for
tiny tables give how far each hidden cell can move. Neither reuses the module's equations or solver
calls.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from binome.impact import disclosure

THRESHOLD = 5

counts = st.one_of(st.integers(0, 4), st.integers(5, 40), st.just(0))


@st.composite
def tables(draw: st.DrawFn, max_rows: int = 4, max_cols: int = 4) -> dict[tuple[int, int], int]:
    n_rows = draw(st.integers(1, max_rows))
    n_cols = draw(st.integers(1, max_cols))
    return {(r, c): draw(counts) for r in range(n_rows) for c in range(n_cols)}


def full_table(inner: dict[tuple[int, int], int]) -> tuple[dict[tuple[object, object], int], list[list[object]]]:
    """Cells with their totals, and the equations as lists of (+1 total, −1 parts) written from scratch."""
    rows = list(dict.fromkeys(r for r, _ in inner))
    cols = list(dict.fromkeys(c for _, c in inner))
    t = disclosure.TOTAL
    cells: dict[tuple[object, object], int] = dict(inner)
    for r in rows:
        cells[(r, t)] = sum(inner[(r, c)] for c in cols)
    for c in cols:
        cells[(t, c)] = sum(inner[(r, c)] for r in rows)
    cells[(t, t)] = sum(inner.values())
    equations: list[list[object]] = []
    for r in rows:
        equations.append([(r, t), *[(r, c) for c in cols]])
    for c in cols:
        equations.append([(t, c), *[(r, c) for r in rows]])
    equations.append([(t, t), *[(r, t) for r in rows]])
    return cells, equations


def lp_ranges(cells: dict, equations: list, hidden: set) -> dict:
    """Min and max of every hidden cell by linear programming over all the cells."""
    keys = list(cells)
    at = {k: i for i, k in enumerate(keys)}
    a_eq, b_eq = [], []
    for total, *parts in equations:
        row = np.zeros(len(keys))
        row[at[total]] = 1
        for p in parts:
            row[at[p]] -= 1
        a_eq.append(row)
        b_eq.append(0)
    bounds = [(0, None) if k in hidden else (cells[k], cells[k]) for k in keys]
    found = {}
    for k in hidden:
        c = np.zeros(len(keys))
        c[at[k]] = 1
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0  # the true table is a solution
        found[k] = (low.fun, float("inf") if high.status == 3 else -high.fun)
    return found


def brute_ranges(cells: dict, equations: list, hidden: set, cap: int) -> dict:
    """The values each hidden cell takes over every assignment in [0, cap] satisfying the equations."""
    order = sorted(hidden, key=repr)
    seen: dict = {k: set() for k in order}
    for values in itertools.product(range(cap + 1), repeat=len(order)):
        trial = {**cells, **dict(zip(order, values, strict=True))}
        if all(trial[total] == sum(trial[p] for p in parts) for total, *parts in equations):
            for k, v in zip(order, values, strict=True):
                seen[k].add(v)
    return seen


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_can_be_narrowed_and_no_small_cell_is_shown(inner: dict) -> None:
    cells, equations = full_table(inner)
    decision = disclosure.decide(disclosure.grid(inner), audience="funder")
    assert set(decision.hidden) <= set(cells)
    for key, value in cells.items():
        if 0 < value < THRESHOLD:
            assert key in decision.hidden, f"small cell {key}={value} published"
    for key, (low, high) in lp_ranges(cells, equations, set(decision.hidden)).items():
        assert low <= cells[key] <= high
        assert high - low >= THRESHOLD, f"{key}={cells[key]} pinned to [{low}, {high}] in {inner}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(max_rows=2, max_cols=2).filter(lambda t: sum(t.values()) <= 12))
def test_brute_force_on_tiny_tables(inner: dict) -> None:
    cells, equations = full_table(inner)
    decision = disclosure.decide(disclosure.grid(inner), audience="company")
    hidden = set(decision.hidden)
    if not hidden or len(hidden) > 5:
        return
    # Within [0, cap] the hidden cells already take at least THRESHOLD + 1 distinct values each.
    cap = max(cells.values()) + THRESHOLD
    for key, values in brute_ranges(cells, equations, hidden, cap).items():
        assert cells[key] in values
        assert max(values) - min(values) >= THRESHOLD, f"{key} takes only {sorted(values)} in {inner}"


def test_the_issue_example_total_beside_territories() -> None:
    """22 − 20 = 2: a small territory next to a published national total must not come back."""
    inner = {("Paris", "yes"): 20, ("Lyon", "yes"): 2, ("Paris", "no"): 15, ("Lyon", "no"): 9}
    cells, equations = full_table(inner)
    decision = disclosure.decide(disclosure.grid(inner), audience="funder")
    assert ("Lyon", "yes") in decision.primary
    assert len(decision.hidden) > 1  # something else is hidden with it
    ranges = lp_ranges(cells, equations, set(decision.hidden))
    low, high = ranges[("Lyon", "yes")]
    assert high - low >= THRESHOLD


def test_staff_see_every_cell() -> None:
    inner = {(0, 0): 1, (0, 1): 2, (1, 0): 3, (1, 1): 30}
    assert disclosure.decide(disclosure.grid(inner), audience=disclosure.STAFF).hidden == frozenset()


def test_nothing_small_nothing_hidden() -> None:
    inner = {(0, 0): 0, (0, 1): 12, (1, 0): 7, (1, 1): 30}
    assert disclosure.decide(disclosure.grid(inner), audience="funder").hidden == frozenset()


def test_a_chain_of_sums_protects_a_difference() -> None:
    """Matched 39, met 37: the 2 who never met are a cell of the chain 39 = 37 + 2."""
    table = disclosure.Table(
        cells={"matched": 39, "met": 37, "never_met": 2},
        sums=(("matched", ("met", "never_met")),),
    )
    decision = disclosure.decide(table, audience="funder")
    assert "never_met" in decision.hidden
    assert decision.hidden & {"matched", "met"}
