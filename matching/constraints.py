"""Hard constraints as boolean masks over broadcast (mentee, mentor) index arrays.

Capacity and pins are handled by the solver; everything else lives here. The stages
are kept separate (`stages`) so that an unmatched person gets the first constraint
that ruled out every candidate as its reason.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from matching.profiles import LEVEL_RANK, Problem

BoolArray = NDArray[np.bool_]
Index = NDArray[np.int64]

#: Funnel order used for reasons: each stage is a subset of the previous one.
STAGES = ("territory", "trained", "language", "gender", "exclusions")


def language_bits(levels: NDArray[np.uint8], min_level: str) -> Index:
    """Bitmask of the languages spoken at `min_level` or above (one bit per language)."""
    spoken = levels >= LEVEL_RANK[min_level]
    weights = np.left_shift(np.int64(1), np.arange(levels.shape[-1], dtype=np.int64))
    return (spoken.astype(np.int64) * weights).sum(axis=-1)


def pair_keys(p: Problem, pairs: Iterable[tuple[int, int]]) -> Index:
    """Sorted unique keys i * m + j of pairs, merged with the declared excluded pairs."""
    extra = np.fromiter((i * p.m + j for i, j in pairs), dtype=np.int64)
    return np.unique(np.concatenate([p.excluded_pairs, extra]))


def _gender_ok(p: Problem, i: Index, j: Index) -> BoolArray:
    need_i = p.mentee_gender_required[i]
    need_j = p.mentor_gender_required[j]
    ok_i = ~need_i | (p.mentee_gender_pref[i] == p.mentor_gender[j])
    ok_j = ~need_j | (p.mentor_gender_pref[j] == p.mentee_gender[i])
    return np.asarray(ok_i & ok_j)


def _company_ok(p: Problem, i: Index, j: Index) -> BoolArray:
    company = p.mentor_company[j]
    ok = np.ones(np.broadcast_shapes(np.shape(i), np.shape(j)), dtype=bool)
    for e in range(p.mentee_excluded.shape[1]):
        excluded = p.mentee_excluded[i, e]
        if np.any(excluded >= 0):
            ok &= excluded != company
    return ok


def _not_forbidden(p: Problem, i: Index, j: Index, forbidden: Index) -> BoolArray:
    shape = np.broadcast_shapes(np.shape(i), np.shape(j))
    ok = np.ones(shape, dtype=bool)
    if forbidden.size == 0:
        return ok
    lo, hi = int(np.min(i)) * p.m, (int(np.max(i)) + 1) * p.m
    keys = forbidden[np.searchsorted(forbidden, lo) : np.searchsorted(forbidden, hi)]
    if keys.size == 0:
        return ok
    if np.ndim(i) == 2 and np.shape(i)[1] == 1 and np.ndim(j) == 2 and np.shape(j)[0] == 1:
        # A block (rows x cols): scatter the few forbidden pairs instead of testing cells.
        row_pos = {int(r): k for k, r in enumerate(np.ravel(i))}
        col_pos = {int(c): k for k, c in enumerate(np.ravel(j))}
        for key in keys.tolist():
            r, c = row_pos.get(key // p.m), col_pos.get(key % p.m)
            if r is not None and c is not None:
                ok[r, c] = False
        return ok
    ii, jj = np.broadcast_arrays(i, j)
    flat = ii * p.m + jj
    pos = np.minimum(np.searchsorted(keys, flat), keys.size - 1)
    return np.asarray(keys[pos] != flat)


def stages(p: Problem, i: Index, j: Index, min_level: str, forbidden: Index) -> dict[str, BoolArray]:
    """Cumulative masks: each stage adds one constraint to the previous stage."""
    shape = np.broadcast_shapes(np.shape(i), np.shape(j))
    out: dict[str, BoolArray] = {}
    ok = np.broadcast_to(p.mentee_territory[i] == p.mentor_territory[j], shape).copy()
    out["territory"] = ok.copy()
    ok &= p.trained[j]
    out["trained"] = ok.copy()
    bits_i = language_bits(p.mentee_lang[i], min_level)
    bits_j = language_bits(p.mentor_lang[j], min_level)
    ok &= (bits_i & bits_j) != 0
    out["language"] = ok.copy()
    ok &= _gender_ok(p, i, j)
    out["gender"] = ok.copy()
    ok &= _company_ok(p, i, j)
    ok &= _not_forbidden(p, i, j, forbidden)
    out["exclusions"] = ok
    return out


def feasible(p: Problem, i: Index, j: Index, min_level: str, forbidden: Index) -> BoolArray:
    """All hard constraints at once (the last stage), without the intermediate copies."""
    ok = np.asarray(p.mentee_territory[i] == p.mentor_territory[j])
    ok = ok & p.trained[j]
    bits_i = language_bits(p.mentee_lang[i], min_level)
    bits_j = language_bits(p.mentor_lang[j], min_level)
    ok &= (bits_i & bits_j) != 0
    if p.mentee_gender_required.any() or p.mentor_gender_required.any():
        ok &= _gender_ok(p, i, j)
    ok &= _company_ok(p, i, j)
    ok &= _not_forbidden(p, i, j, forbidden)
    return ok


def profile_stage(p: Problem, i: Index, j: Index, min_level: str) -> NDArray[np.uint8]:
    """How far a pair gets through the constraints that depend on profiles only: 0 = the mentor
    is untrained, 1 = no shared language at `min_level`, 2 = a required gender is not met,
    3 = all three hold (territory and exclusions are checked apart)."""
    trained = np.broadcast_to(p.trained[j], np.broadcast_shapes(np.shape(i), np.shape(j)))
    bits_i = language_bits(p.mentee_lang[i], min_level)
    bits_j = language_bits(p.mentor_lang[j], min_level)
    language = trained & ((bits_i & bits_j) != 0)
    gender = language & _gender_ok(p, i, j)
    return (trained.astype(np.uint8) + language + gender).astype(np.uint8)


def profile_ok(p: Problem, i: Index, j: Index, min_level: str) -> BoolArray:
    """Trained mentor, a shared language at `min_level`, required genders met."""
    return np.asarray(profile_stage(p, i, j, min_level) == 3)


def first_failing_stage(p: Problem, i: int, j: int, min_level: str, forbidden: Index) -> str | None:
    """Name of the first hard constraint a single pair violates, or None if feasible."""
    masks = stages(p, np.array([i]), np.array([j]), min_level, forbidden)
    for name in STAGES:
        if not masks[name][0]:
            return name
    return None
