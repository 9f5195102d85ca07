"""Fast scoring of blocks of pairs: the criteria of `criteria.py` as lookup tables and arithmetic.

Scoring every pair of a 10,000 x 10,000 territory with the criterion functions costs about a
hundred numpy passes per cell. Most criteria depend on few attributes that take few distinct
values in a real pool, so they are computed once per *class* of people instead of per pair:

- "profile": languages, meeting mode and gender fields (mentee) against languages, meeting mode,
  gender fields and training (mentor). One table holds the weighted language, gender-preference
  and meeting-mode values of every (mentee class, mentor class), and whether the trained /
  shared-language / required-gender constraints hold. It is filled by the criterion and
  constraint functions themselves, evaluated on one representative person of each class, so
  there is a single definition of each criterion.
- "occupation": the mentee's target codes against the mentor's (code, sector) key.

A block then reads each table with one row gather and one column gather per cell. Availability
is a popcount of the shared slots divided by the smaller set, and distance the chord between
unit vectors, centred on the territory and halved so that the haversine's half-chord comes out
of one square root (float32 keeps millimetres at city scale): a dozen arithmetic passes and
no trigonometry on the inputs. Sums are float32 like `criteria.score`; a cell may differ from
it by rounding (about 1e-7), far below the 1e-6 quantisation step.

Declared exclusions and coordinator forbids are few: they are scattered into each block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching import constraints, criteria
from matching.options import SCALE, Options
from matching.profiles import Problem

FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
Index = NDArray[np.int64]

#: Added to the profile value of a pair that breaks a hard constraint: every score of such a pair
#: is negative, so "infeasible" travels inside the score array at no extra cost.
INFEASIBLE = np.float32(-8.0)
#: Largest (classes x classes) table kept; beyond, that criterion is scored per cell.
MAX_TABLE_CELLS = 1 << 22
PROFILE_CRITERIA = ("language", "gender_preference", "meeting_mode")


def _classes(features: NDArray[np.int64]) -> tuple[Index, Index]:
    """(class of each row, one representative row per class) of a (people x features) array."""
    if features.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # One integer key per row (mixed radix over each column's distinct values): a 1-D unique
    # is several times faster than np.unique(axis=0), which sorts rows as opaque bytes.
    key = np.zeros(features.shape[0], dtype=np.int64)
    span = 1
    for column in features.T:
        values, codes = np.unique(column, return_inverse=True)
        if span * values.size >= 1 << 62:
            _, first, inverse = np.unique(features, axis=0, return_index=True, return_inverse=True)
            return inverse.reshape(-1).astype(np.int64), first.astype(np.int64)
        key = key * values.size + codes.reshape(-1)
        span *= values.size
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), first.astype(np.int64)


def _columns(*arrays: NDArray[np.generic]) -> NDArray[np.int64]:
    parts = [np.asarray(a, dtype=np.int64).reshape(a.shape[0], int(np.prod(a.shape[1:]))) for a in arrays]
    return np.concatenate(parts, axis=1)


@dataclass(frozen=True, eq=False)
class Tables:
    """Problem-wide class tables for one set of options (see the module docstring)."""

    weights: dict[str, float]
    mentee_profile: Index  # class of each mentee, row of `profile`
    mentor_profile: Index
    profile: FloatArray | None  # (classes, classes): weighted values, INFEASIBLE added when not ok
    profile_value: FloatArray | None  # the same without INFEASIBLE
    profile_ok: BoolArray | None
    profile_stage: NDArray[np.uint8] | None  # constraints.profile_stage of each pair of classes
    mentee_occupation: Index
    mentor_occupation: Index
    occupation: FloatArray | None  # weighted occupation value, or None (scored per cell)

    @classmethod
    def build(cls, p: Problem, options: Options) -> Tables:
        weights = options.weights.normalised()
        mentee_profile, mentee_reps = _classes(
            _columns(
                p.mentee_lang,
                p.mentee_mode,
                p.mentee_gender,
                p.mentee_gender_pref,
                p.mentee_gender_required,
            )
        )
        mentor_profile, mentor_reps = _classes(
            _columns(
                p.mentor_lang,
                p.mentor_mode,
                p.mentor_gender,
                p.mentor_gender_pref,
                p.mentor_gender_required,
                p.trained,
            )
        )
        profile = profile_value = profile_ok = profile_stage = None
        if mentee_reps.size * mentor_reps.size <= MAX_TABLE_CELLS:
            ii, jj = mentee_reps[:, None], mentor_reps[None, :]
            value = np.zeros((mentee_reps.size, mentor_reps.size), dtype=np.float64)
            for name in PROFILE_CRITERIA:
                if weights[name] > 0:
                    value += weights[name] * criteria.CRITERION_FUNCTIONS[name](p, ii, jj, options).astype(np.float64)
            profile_stage = constraints.profile_stage(p, ii, jj, options.min_language_level)
            profile_ok = profile_stage == 3
            profile_value = value.astype(np.float32)
            profile = np.where(profile_ok, profile_value, profile_value + INFEASIBLE).astype(np.float32)

        mentee_occupation, mentee_occ_reps = _classes(p.mentee_targets)
        mentor_occupation, mentor_occ_reps = _classes(p.mentor_occ_key[:, None])
        occupation = None
        if weights["occupation"] > 0 and mentee_occ_reps.size * mentor_occ_reps.size <= MAX_TABLE_CELLS:
            ii, jj = mentee_occ_reps[:, None], mentor_occ_reps[None, :]
            raw = criteria.occupation(p, ii, jj, options).astype(np.float64)
            occupation = (weights["occupation"] * raw).astype(np.float32)
        return cls(
            weights=weights,
            mentee_profile=mentee_profile,
            mentor_profile=mentor_profile,
            profile=profile,
            profile_value=profile_value,
            profile_ok=profile_ok,
            profile_stage=profile_stage,
            mentee_occupation=mentee_occupation,
            mentor_occupation=mentor_occupation,
            occupation=occupation,
        )


def _unit_vectors(geo: NDArray[np.float64]) -> NDArray[np.float64]:
    """Unit vectors of the places, from the half-angle columns `Problem` keeps (see `_geo`)."""
    g = geo.astype(np.float64)
    # sin(phi) = 2 sin(phi/2) cos(phi/2); cos(phi) is stored; the same for lambda.
    sin_phi, cos_phi = 2 * g[:, 0] * g[:, 1], g[:, 4]
    sin_lam, cos_lam = 2 * g[:, 2] * g[:, 3], g[:, 3] ** 2 - g[:, 2] ** 2
    return np.stack([cos_phi * cos_lam, cos_phi * sin_lam, sin_phi], axis=1)


class BlockScorer:
    """Scores row blocks of one rows x cols sub-problem (a territory) with the class tables.

    `scores(start, stop)` is the float32 score of rows[start:stop] x cols; pairs that break a
    hard constraint are negative. `feasible_scores` gives the true scores and the mask apart.
    """

    def __init__(self, p: Problem, options: Options, tables: Tables, rows: Index, cols: Index, forbidden: Index):
        self.p, self.options, self.tables = p, options, tables
        self.rows, self.cols = rows, cols
        w = tables.weights
        self.w_distance = np.float32(w["distance"])
        self.w_availability = np.float32(w["availability"])
        self.neutral_distance = np.float32(w["distance"] * options.neutral)
        self.neutral_availability = np.float32(w["availability"] * options.neutral)
        self.col_profile = tables.mentor_profile[cols]
        self.col_occupation = tables.mentor_occupation[cols]

        # Distance: centred, halved unit vectors (|a - b| is then the haversine's half chord).
        if self.w_distance > 0:
            row_has, col_has = p.mentee_has_geo[rows], p.mentor_has_geo[cols]
            row_u, col_u = _unit_vectors(p.mentee_geo[rows]), _unit_vectors(p.mentor_geo[cols])
            known = np.concatenate([row_u[row_has], col_u[col_has]])
            centre = known.mean(axis=0) if known.size else np.zeros(3)
            self.row_geo = ((row_u - centre) / 2).astype(np.float32)
            self.col_geo = np.ascontiguousarray(((col_u - centre) / 2).T.astype(np.float32))
            self.rows_without_geo = np.flatnonzero(~row_has)
            self.cols_without_geo = np.flatnonzero(~col_has)
            self.distance_factor = np.float32(-2.0 * criteria.EARTH_RADIUS_KM / options.distance_scale_km)

        # Availability: shared slots / smaller set = popcount(a & b) / min(|a|, |b|); the weight
        # is folded into the divisors. An empty set scores `neutral`: fixed after the division.
        if self.w_availability > 0:
            row_mask = p.mentee_availability[rows].astype(np.uint32)
            col_mask = p.mentor_availability[cols].astype(np.uint32)
            self.row_mask, self.col_mask = row_mask, col_mask
            row_count = np.bitwise_count(row_mask).astype(np.float32)
            col_count = np.bitwise_count(col_mask).astype(np.float32)
            self.row_divisor = np.where(row_count > 0, row_count, 1) / self.w_availability
            self.col_divisor = np.where(col_count > 0, col_count, 1) / self.w_availability
            self.rows_without_slots = np.flatnonzero(row_count == 0)
            self.cols_without_slots = np.flatnonzero(col_count == 0)

        self.excluded_rows, self.excluded_cols = _excluded_cells(p, rows, cols, forbidden)

    def _fill(self, start: int, stop: int, profile: FloatArray | None, with_infeasible: bool) -> FloatArray:
        """Score rows[start:stop] x cols, starting from the profile table `profile` (None: the
        per-cell fallback, which adds INFEASIBLE itself when `with_infeasible`)."""
        p, t = self.p, self.tables
        rows = self.rows[start:stop]
        ii, jj = rows[:, None], self.cols[None, :]
        if profile is not None:
            s = profile[t.mentee_profile[rows]][:, self.col_profile]
        else:
            s = self._profile_per_cell(ii, jj, with_infeasible)
        if t.occupation is not None:
            s += t.occupation[t.mentee_occupation[rows]][:, self.col_occupation]
        elif t.weights["occupation"] > 0:
            s += np.float32(t.weights["occupation"]) * criteria.occupation(p, ii, jj, self.options)
        if self.w_distance > 0:
            s += self._distance(start, stop)
        if self.w_availability > 0:
            s += self._availability(start, stop)
        return s

    def _profile_per_cell(self, ii: Index, jj: Index, with_infeasible: bool) -> FloatArray:
        """Fallback when the profile classes are too many for a table: the criterion functions."""
        p, w = self.p, self.tables.weights
        s = np.zeros(np.broadcast_shapes(ii.shape, jj.shape), dtype=np.float32)
        for name in PROFILE_CRITERIA:
            if w[name] > 0:
                s += np.float32(w[name]) * criteria.CRITERION_FUNCTIONS[name](p, ii, jj, self.options)
        if with_infeasible:
            s[~constraints.profile_ok(p, ii, jj, self.options.min_language_level)] += INFEASIBLE
        return s

    def _distance(self, start: int, stop: int) -> FloatArray:
        a, b = self.row_geo[start:stop], self.col_geo
        d = np.subtract(a[:, 0:1], b[0:1, :])
        d *= d
        tmp = np.subtract(a[:, 1:2], b[1:2, :])
        tmp *= tmp
        d += tmp
        np.subtract(a[:, 2:3], b[2:3, :], out=tmp)
        tmp *= tmp
        d += tmp
        np.sqrt(d, out=d)  # half chord = sin(angle / 2)
        np.minimum(d, np.float32(1.0), out=d)
        np.arcsin(d, out=d)
        d *= self.distance_factor  # -distance / scale
        np.exp(d, out=d)
        d *= self.w_distance
        d[:, self.cols_without_geo] = self.neutral_distance
        rows = self.rows_without_geo
        d[rows[(rows >= start) & (rows < stop)] - start] = self.neutral_distance
        return d

    def _availability(self, start: int, stop: int) -> FloatArray:
        shared = np.bitwise_count(self.row_mask[start:stop, None] & self.col_mask[None, :])
        value = shared.astype(np.float32)
        value /= np.minimum(self.row_divisor[start:stop, None], self.col_divisor[None, :])
        value[:, self.cols_without_slots] = self.neutral_availability
        rows = self.rows_without_slots
        value[rows[(rows >= start) & (rows < stop)] - start] = self.neutral_availability
        return value

    def _excluded(self, start: int, stop: int) -> tuple[Index, Index]:
        lo, hi = np.searchsorted(self.excluded_rows, [start, stop])
        return self.excluded_rows[lo:hi] - start, self.excluded_cols[lo:hi]

    def scores(self, start: int, stop: int) -> FloatArray:
        """Scores of rows[start:stop] x cols; negative where a hard constraint fails."""
        s = self._fill(start, stop, self.tables.profile, with_infeasible=True)
        r, c = self._excluded(start, stop)
        s[r, c] = INFEASIBLE
        return s

    def feasible_scores(self, start: int, stop: int) -> tuple[FloatArray, BoolArray]:
        """True scores of rows[start:stop] x cols (infeasible pairs included) and feasibility."""
        t = self.tables
        rows = self.rows[start:stop]
        if t.profile_value is not None and t.profile_ok is not None:
            s = self._fill(start, stop, t.profile_value, with_infeasible=False)
            ok = t.profile_ok[t.mentee_profile[rows]][:, self.col_profile]
        else:
            s = self._fill(start, stop, None, with_infeasible=False)
            ok = constraints.profile_ok(self.p, rows[:, None], self.cols[None, :], self.options.min_language_level)
        r, c = self._excluded(start, stop)
        ok[r, c] = False
        return s, ok


def _excluded_cells(p: Problem, rows: Index, cols: Index, forbidden: Index) -> tuple[Index, Index]:
    """(row position, col position) of the excluded pairs inside rows x cols, sorted by row:
    company exclusions, declared excluded mentors and forbids (`forbidden` keys i * m + j)."""
    cells: list[Index] = []
    col_company = p.mentor_company[cols]
    by_company = np.argsort(col_company, kind="stable")
    sorted_company = col_company[by_company]
    excluded = p.mentee_excluded[rows]
    for r, e in zip(*np.nonzero(excluded >= 0), strict=True):
        company = excluded[r, e]
        lo, hi = np.searchsorted(sorted_company, [company, company + 1])
        cells.append(int(r) * cols.size + by_company[lo:hi])
    if forbidden.size and rows.size and cols.size:
        i, j = forbidden // p.m, forbidden % p.m
        r, c = np.searchsorted(rows, i), np.searchsorted(cols, j)
        inside = (r < rows.size) & (c < cols.size)
        inside[inside] = (rows[r[inside]] == i[inside]) & (cols[c[inside]] == j[inside])
        cells.append(r[inside] * cols.size + c[inside])
    keys = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *cells]))
    return keys // max(cols.size, 1), keys % max(cols.size, 1)


def quantised(s: FloatArray) -> NDArray[np.int32]:
    """round(score * SCALE) as int32 (infeasible pairs stay negative)."""
    s *= np.float32(SCALE)
    np.rint(s, out=s)
    return s.astype(np.int32)


def top_k_cells(q: NDArray[np.int32], k: int, lowest: int) -> tuple[Index, Index]:
    """(row, col) of each row's k best cells with q >= lowest, best first; ties: lower col.

    One partition finds each row's k-th best value; cells above it are taken, and cells equal
    to it in column order until k, which is what sorting by (score, lower column) would keep.
    """
    rows_n, cols_n = q.shape
    if k >= cols_n:
        cut = np.full(rows_n, lowest, dtype=np.int64)
    else:
        cut = np.partition(q, cols_n - k, axis=1)[:, cols_n - k].astype(np.int64)
        np.maximum(cut, lowest, out=cut)
    take = q >= cut[:, None].astype(q.dtype)
    # flatnonzero on the flat mask, and counting the (few) kept cells, are much cheaper than a
    # 2-D nonzero or a row-wise count over the whole block.
    flat = np.flatnonzero(take)
    r = flat // cols_n
    count = np.bincount(r, minlength=rows_n)
    over = np.flatnonzero(count > k)
    if over.size:
        for row in over.tolist():
            # More than k cells reach the cut: keep the first of those equal to it.
            tied = np.flatnonzero(q[row] == cut[row])
            take[row, tied[tied.size - (int(count[row]) - k) :]] = False
        flat = np.flatnonzero(take)
        r = flat // cols_n
    c = flat - r * cols_n
    order = np.lexsort((c, -q.ravel()[flat].astype(np.int64), r))
    return r[order].astype(np.int64), c[order].astype(np.int64)
