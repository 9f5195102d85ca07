"""Greedy baseline for the benchmark: best remaining pair first, never revisited."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Index = NDArray[np.int64]


def greedy_pairs(n: int, mentee: Index, mentor: Index, gain: ArrayLike, capacity: ArrayLike) -> NDArray[np.bool_]:
    """Which candidate pairs a greedy pass picks: highest gain first (ties: lower mentee,
    then lower mentor index), skipping pairs whose mentee is taken or mentor is full."""
    g = np.asarray(gain)
    left = np.array(capacity, dtype=np.int64, copy=True)
    taken = np.zeros(n, dtype=bool)
    chosen = np.zeros(g.size, dtype=bool)
    order = np.lexsort((mentor, mentee, -g))
    for k, i, j, value in zip(
        order.tolist(), mentee[order].tolist(), mentor[order].tolist(), g[order].tolist(), strict=True
    ):
        if value > 0 and not taken[i] and left[j] > 0:
            taken[i] = True
            left[j] -= 1
            chosen[k] = True
    return chosen


def greedy(
    scores: ArrayLike, allowed: ArrayLike | None = None, capacity: ArrayLike | None = None
) -> list[tuple[int, int]]:
    """Greedy counterpart of `assign` (same arguments, no optimality guarantee)."""
    s = np.asarray(scores, dtype=np.float64)
    n, m = s.shape
    ok = np.ones((n, m), dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    ok = ok & ~np.isnan(s)
    cap = np.ones(m, dtype=np.int64) if capacity is None else np.asarray(capacity, dtype=np.int64)
    ii, jj = (x.astype(np.int64) for x in np.nonzero(ok))
    chosen = greedy_pairs(n, ii, jj, s[ii, jj], cap)
    return sorted(zip(ii[chosen].tolist(), jj[chosen].tolist(), strict=True))
