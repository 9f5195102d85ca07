"""Scoring criteria: each maps (mentee, mentor) index arrays to values in [0, 1].

Every criterion takes index arrays `i` and `j` that numpy broadcasts together: a block
of pairs is `(rows[:, None], cols[None, :])`, a list of pairs two 1-D arrays. One
definition thus serves the solver (blocks, float32) and the explanations (single pairs).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from matching.options import CRITERIA, Options
from matching.profiles import Problem

FloatArray = NDArray[np.float32]
Index = NDArray[np.int64]

EARTH_RADIUS_KM = 6371.0088

#: Value of a shared language at the lower of the two levels (index = level rank).
LANGUAGE_LEVEL_VALUE = np.array([0.0, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0], dtype=np.float32)

#: Meeting-mode compatibility, indexed by MEETING_MODES (either, in_person, remote).
MODE_COMPATIBILITY = np.array(
    [[1.0, 0.75, 0.75], [0.75, 1.0, 0.0], [0.75, 0.0, 1.0]],
    dtype=np.float32,
)


def _shape(i: Index, j: Index) -> tuple[int, ...]:
    return tuple(np.broadcast_shapes(np.shape(i), np.shape(j)))


def occupation(p: Problem, i: Index, j: Index, options: Options) -> FloatArray:
    """Best level over the mentee's target codes: same code, family, related sector, domain."""
    key = p.mentor_occ_key[j]
    out = np.zeros(_shape(i, j), dtype=np.float32)
    if p.occ_table.shape[1] == 0:
        return out
    for t in range(p.mentee_targets.shape[1]):
        rows = p.mentee_targets[i, t]
        if np.all(rows < 0):
            continue
        np.maximum(out, p.occ_table[rows, key], out=out)
    return out


def language(p: Problem, i: Index, j: Index, options: Options) -> FloatArray:
    """1 - prod over shared languages of (1 - value of the lower level).

    One shared native language gives 1; each further shared language adds, with
    diminishing returns, so the value stays in [0, 1].
    """
    miss = np.ones(_shape(i, j), dtype=np.float32)
    tmp = np.empty_like(miss)
    for lang in range(len(p.languages)):
        # 1 - min(a, b) == max(1 - a, 1 - b): one pass instead of two.
        a = 1.0 - LANGUAGE_LEVEL_VALUE[p.mentee_lang[i, lang]]
        b = 1.0 - LANGUAGE_LEVEL_VALUE[p.mentor_lang[j, lang]]
        if np.all(a >= 1.0) or np.all(b >= 1.0):
            continue
        np.maximum(a, b, out=tmp)
        miss *= tmp
    return np.subtract(1.0, miss, out=miss)


def distance_km(p: Problem, i: Index, j: Index) -> FloatArray:
    """Great-circle (haversine) distance in km; NaN when a coordinate is missing.

    Computed in float64 (the difference of products cancels), returned in float32. The solver's
    blocks use `scoring.BlockScorer._distance`, the same distance from unit vectors.
    """
    gi, gj = p.mentee_geo[i], p.mentor_geo[j]
    dphi = gi[..., 0] * gj[..., 1] - gi[..., 1] * gj[..., 0]
    dlam = gi[..., 2] * gj[..., 3] - gi[..., 3] * gj[..., 2]
    a = dphi * dphi
    dlam *= dlam
    dlam *= gi[..., 4]
    dlam *= gj[..., 4]
    a += dlam
    np.clip(a, 0.0, 1.0, out=a)
    np.sqrt(a, out=a)
    np.arcsin(a, out=a)
    a *= 2.0 * EARTH_RADIUS_KM
    missing = ~(p.mentee_has_geo[i] & p.mentor_has_geo[j])
    if missing.any():
        a = np.where(missing, np.nan, a)
    return np.asarray(a, dtype=np.float32)


def distance(p: Problem, i: Index, j: Index, options: Options) -> FloatArray:
    """exp(-d / scale) of the home-workplace distance; `neutral` when unknown."""
    d = distance_km(p, i, j)
    d *= np.float32(-1.0 / options.distance_scale_km)
    np.exp(d, out=d)
    return np.where(np.isnan(d), np.float32(options.neutral), d).astype(np.float32, copy=False)


def availability(p: Problem, i: Index, j: Index, options: Options) -> FloatArray:
    """Shared weekly slots over the smaller of the two sets; `neutral` when one is empty."""
    a, b = p.mentee_availability[i], p.mentor_availability[j]
    shared = np.bitwise_count(a & b).astype(np.float32)
    smaller = np.minimum(np.bitwise_count(a), np.bitwise_count(b)).astype(np.float32)
    known = smaller > 0
    shared /= np.where(known, smaller, np.float32(1.0))
    return np.where(known, shared, np.float32(options.neutral)).astype(np.float32, copy=False)


def gender_preference(p: Problem, i: Index, j: Index, options: Options) -> FloatArray:
    """Mean over both sides of "my (soft) gender preference is met"; no preference = met."""
    pref_i, pref_j = p.mentee_gender_pref[i], p.mentor_gender_pref[j]
    met_i = (pref_i < 0) | (pref_i == p.mentor_gender[j])
    met_j = (pref_j < 0) | (pref_j == p.mentee_gender[i])
    out = met_i.astype(np.float32)
    out += met_j
    out *= np.float32(0.5)
    return np.broadcast_to(out, _shape(i, j)).astype(np.float32)


def meeting_mode(p: Problem, i: Index, j: Index, options: Options) -> FloatArray:
    """In-person / remote compatibility; "either" goes with anything at 0.75."""
    return MODE_COMPATIBILITY[p.mentee_mode[i], p.mentor_mode[j]]


Criterion = Callable[[Problem, Index, Index, Options], FloatArray]

CRITERION_FUNCTIONS: dict[str, Criterion] = {
    "occupation": occupation,
    "language": language,
    "distance": distance,
    "availability": availability,
    "gender_preference": gender_preference,
    "meeting_mode": meeting_mode,
}
assert tuple(CRITERION_FUNCTIONS) == CRITERIA


def score(p: Problem, i: Index, j: Index, options: Options) -> FloatArray:
    """Weighted sum of the criteria with normalised weights (float32, in [0, 1])."""
    out = np.zeros(_shape(i, j), dtype=np.float32)
    for name, weight in options.weights.normalised().items():
        if weight > 0:
            value = CRITERION_FUNCTIONS[name](p, i, j, options)
            out += np.float32(weight) * value
    np.clip(out, 0.0, 1.0, out=out)
    return out


def contributions(p: Problem, i: int, j: int, options: Options) -> dict[str, float]:
    """w_k * f_k of one pair, in float64; their sum is the explained score."""
    ii, jj = np.array([i], dtype=np.int64), np.array([j], dtype=np.int64)
    return {
        name: weight * float(CRITERION_FUNCTIONS[name](p, ii, jj, options)[0])
        for name, weight in options.weights.normalised().items()
    }
