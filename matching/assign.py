"""Exact maximum-weight b-matchings: the low-level entry point and its two solvers.

Both solvers maximise the sum of `gain` over the chosen pairs, where a mentee is
matched at most once and mentor j at most capacity[j] times, and only pairs with a
strictly positive gain are ever chosen (a pair of gain <= 0 cannot raise the total).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Pairs = list[tuple[int, int]]
Index = NDArray[np.int64]


def _cost_matrix(
    scores: NDArray[np.float64] | NDArray[np.int32],
    columns: Index,
    penalty: NDArray[np.float64] | None,
    allowed: NDArray[np.bool_] | None,
    transpose: bool,
) -> NDArray[np.float64]:
    """The minimisation cost scipy is given: -(score + penalty) where the pair is allowed and
    worth more than 0, else 0 ("unmatched"), one column per unit of mentor capacity.

    Built once, in place, a chunk of columns at a time: its only full-size allocation is the
    result itself (the caller's matrix is never copied), and scipy receives it C-contiguous,
    float64 and at least as wide as tall, so it neither copies, negates nor transposes it.
    `transpose` stores it as (columns x mentees) for a tall problem.
    """
    n = scores.shape[0]
    k = columns.size
    cost = np.empty((k, n) if transpose else (n, k), dtype=np.float64)
    identity = k == scores.shape[1] and bool(np.all(columns == np.arange(k)))
    negative_penalty = None if penalty is None else -penalty
    # Chunks of whole rows of `cost` (contiguous writes), about 2 MB each.
    width = cost.shape[1]
    step = max(1, (1 << 18) // max(1, width))
    for a in range(0, cost.shape[0], step):
        b = min(cost.shape[0], a + step)
        out = cost[a:b]
        if transpose:  # rows of `cost` are mentor columns
            picked: slice | Index = slice(a, b) if identity else columns[a:b]
            block = scores[:, picked].T
            mask = None if allowed is None else allowed[:, picked].T
            bias = None if negative_penalty is None else negative_penalty[None, :]
        else:
            block = scores[a:b] if identity else scores[a:b][:, columns]
            mask = None if allowed is None else (allowed[a:b] if identity else allowed[a:b][:, columns])
            bias = None if negative_penalty is None else negative_penalty[a:b, None]
        if bias is not None:
            np.subtract(bias, block, out=out)
        else:
            np.negative(block, out=out)
        np.fmin(out, 0.0, out=out)  # a pair worth <= 0 (or NaN) costs what "unmatched" costs
        if mask is not None:
            np.multiply(out, mask, out=out)
    return cost


def dense_pairs(
    scores: NDArray[np.float64] | NDArray[np.int32],
    capacity: Index,
    penalty: NDArray[np.float64] | None = None,
    allowed: NDArray[np.bool_] | None = None,
) -> tuple[Index, Index]:
    """Exact maximum of sum(score + penalty) over pairs worth more than 0 (scipy, dense)."""
    from scipy.optimize import linear_sum_assignment  # imported on first use: web workers never load it

    n, _ = scores.shape
    columns = np.repeat(np.arange(scores.shape[1], dtype=np.int64), np.maximum(capacity, 0))
    if n == 0 or columns.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    transpose = n > columns.size
    cost = _cost_matrix(scores, columns, penalty, allowed, transpose)
    if transpose:
        picked, rows = linear_sum_assignment(cost)
        keep = cost[picked, rows] < 0
    else:
        rows, picked = linear_sum_assignment(cost)
        keep = cost[rows, picked] < 0
    rows, mentors = rows[keep].astype(np.int64), columns[picked[keep]]
    order = np.argsort(rows, kind="stable")
    return rows[order], mentors[order]


def solve_dense(gain: NDArray[np.float64], usable: NDArray[np.bool_], capacity: Index) -> tuple[Index, Index]:
    """linear_sum_assignment on mentors expanded into one column per unit of capacity.

    Unusable cells cost 0, like staying unmatched: an optimal assignment that uses one
    is read as "unmatched", so no dummy columns are needed. With more mentees than
    columns, scipy leaves rows unassigned by itself.
    """
    return dense_pairs(np.asarray(gain, dtype=np.float64), capacity, allowed=usable)


def solve_flow(n: int, m: int, mentee: Index, mentor: Index, gain: Index, capacity: Index) -> NDArray[np.bool_]:
    """Min-cost flow (OR-Tools) over sparse candidate pairs with integer gains.

    Returns which of the given pairs are chosen. Nodes: mentees 0..n-1 (supply 1),
    mentors n..n+m-1, sink n+m (demand n). Every mentee also has a direct arc to the sink ("stays unmatched"). Costs are
    `top - gain` so they are non-negative; each mentee routes exactly one unit, so the
    constant `n * top` does not change the optimum. Integer costs make it exact.
    """
    from ortools.graph.python import min_cost_flow  # imported on first use: web workers never load it

    chosen = np.zeros(mentee.size, dtype=bool)
    keep = np.flatnonzero(gain > 0)
    mentee, mentor, gain = mentee[keep], mentor[keep], gain[keep].astype(np.int64)
    if n == 0 or mentee.size == 0:
        return chosen
    top = int(gain.max())
    sink = n + m
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        mentee, mentor + n, np.ones(mentee.size, dtype=np.int64), top - gain
    )
    idle = np.arange(n, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        idle, np.full(n, sink, dtype=np.int64), np.ones(n, dtype=np.int64), np.full(n, top, dtype=np.int64)
    )
    slots = np.arange(m, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        slots + n,
        np.full(m, sink, dtype=np.int64),
        np.maximum(capacity, 0).astype(np.int64),
        np.zeros(m, dtype=np.int64),
    )
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen[keep[flow.flows(arcs) > 0]] = True
    return chosen


def assign(
    scores: ArrayLike,
    allowed: ArrayLike | None = None,
    capacity: ArrayLike | None = None,
    unmatched_penalty: ArrayLike | None = None,
    method: Literal["dense", "flow"] = "dense",
) -> Pairs:
    """Maximum-total-score matching of mentees (rows) to mentors (columns).

    scores: mentees x mentors array, higher is better (any real numbers; NaN = not allowed).
    allowed: boolean mask of the same shape (default: every pair).
    capacity: matches allowed per mentor (default 1 each).
    unmatched_penalty: cost of leaving a mentee unmatched, a scalar or one per mentee
        (default 0). The objective is sum(scores of pairs) - sum(penalties of unmatched
        mentees); equivalently a pair (i, j) is worth scores[i, j] + penalty[i], and only
        pairs worth strictly more than 0 are made. So by default this is a maximum
        *weight* matching, not a maximum-cardinality one: a pair of score <= 0 is never
        made, and a pair of positive score is left out only when that raises the total.
        A penalty larger than the spread of the scores makes it maximum-cardinality first.
    method: "dense" (scipy, exact for floats) or "flow" (OR-Tools, exact for integer
        valued scores and penalties; other values are rejected).

    Returns the sorted list of (mentee_index, mentor_index) pairs. Ties between optimal
    matchings are broken by the (deterministic) solver, not by a perturbation.
    """
    s = np.asarray(scores, dtype=np.float64)  # no copy when it is already float64
    if s.ndim < 2:
        s = s.reshape(1, -1)
    if s.ndim != 2:
        raise ValueError("scores must be a 2-D array")
    n, m = s.shape
    ok = None if allowed is None else np.asarray(allowed, dtype=bool)
    if ok is not None and ok.shape != (n, m):
        raise ValueError(f"allowed has shape {ok.shape}, expected {(n, m)}")
    cap = np.ones(m, dtype=np.int64) if capacity is None else np.asarray(capacity, dtype=np.int64)
    if cap.shape != (m,) or np.any(cap < 0):
        raise ValueError("capacity must be one non-negative integer per mentor")
    penalty = None
    if unmatched_penalty is not None:
        penalty = np.broadcast_to(np.asarray(unmatched_penalty, dtype=np.float64), (n,))
        if not np.any(penalty):
            penalty = None
    if method == "dense":
        # NaN and disallowed cells are "unmatched" inside the cost matrix: no mask is built.
        rows, cols = dense_pairs(s, cap, penalty, ok)
    elif method == "flow":
        usable = ~np.isnan(s) if ok is None else ok & ~np.isnan(s)
        gain = np.where(usable, s, 0.0)
        if penalty is not None:
            gain += penalty[:, None]
        if not np.all(gain[usable] == np.round(gain[usable])):
            raise ValueError('method="flow" needs integer-valued scores and penalties')
        ii, jj = (x.astype(np.int64) for x in np.nonzero(usable))
        chosen = solve_flow(n, m, ii, jj, gain[ii, jj].astype(np.int64), cap)
        rows, cols = ii[chosen], jj[chosen]
    else:
        raise ValueError(f"unknown method {method!r}")
    return sorted(zip(rows.tolist(), cols.tolist(), strict=True))
