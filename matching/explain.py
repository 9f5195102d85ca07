"""Explanations: per-criterion contributions of duos, reasons for the unmatched.

A reason is the first hard constraint (in `constraints.STAGES` order) that leaves no
candidate, else a capacity or score reason. `params` carries the funnel counts.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matching import constraints, criteria
from matching.options import SCALE, Options
from matching.profiles import Problem
from matching.result import Duo, Reason
from matching.scoring import BlockScorer, Tables, _excluded_cells, quantised

Index = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MENTEE_MESSAGES = {
    "territory": "no mentor in this territory",
    "no_trained_mentor": "no mentor in this territory has completed the training",
    "no_shared_language": "no trained mentor shares a working language at {min_level} or above",
    "gender_requirement": "no trained mentor sharing a language meets the required gender preference",
    "excluded": "every remaining mentor is excluded (company exclusion, excluded mentor or forbid)",
    "only_poor_matches": "every feasible mentor scores below the minimum score {min_score}",
    "all_feasible_mentors_at_capacity": "all {feasible} feasible mentors are at capacity",
    "outside_top_k": "feasible mentors with free capacity remain, but none among this mentee's {top_k} best",
    "not_selected": "feasible mentors with free capacity remain, but matching one does not raise the total",
}

MENTOR_MESSAGES = {
    "untrained": "the mentor has not completed the training",
    "no_capacity": "the mentor's capacity is zero",
    "territory": "no mentee in this territory",
    "no_shared_language": "no mentee shares a working language at {min_level} or above",
    "gender_requirement": "no mentee sharing a language meets the required gender preference",
    "excluded": "every remaining mentee excludes this mentor (company, mentor or forbid)",
    "only_poor_matches": "every feasible mentee scores below the minimum score {min_score}",
    "feasible_mentees_matched_elsewhere": "all {feasible} feasible mentees are matched to other mentors",
    "outside_top_k": "unmatched feasible mentees remain, but this mentor is not among their {top_k} best",
    "not_selected": "unmatched feasible mentees remain, but matching one does not raise the total",
}

_FUNNEL = (
    ("territory", "in_territory"),
    ("trained", "trained"),
    ("language", "shared_language"),
    ("gender", "gender_compatible"),
    ("exclusions", "feasible"),
)
_STAGE_CODE = {
    "territory": "territory",
    "trained": "no_trained_mentor",
    "language": "no_shared_language",
    "gender": "gender_requirement",
    "exclusions": "excluded",
}


def duo_details(
    p: Problem, options: Options, mentee: Index, mentor: Index, rank: Index, pinned: BoolArray
) -> tuple[Duo, ...]:
    """Duos with w_k * f_k per criterion; the score is their sum, so it adds up exactly."""
    weights = options.weights.normalised()
    values = {
        name: criteria.CRITERION_FUNCTIONS[name](p, mentee, mentor, options).astype(np.float64).tolist()
        for name in weights
    }
    duos = []
    for d, (i, j, r) in enumerate(zip(mentee.tolist(), mentor.tolist(), rank.tolist(), strict=True)):
        parts = {name: weight * values[name][d] for name, weight in weights.items()}
        duos.append(Duo(i, j, sum(parts.values()), parts, int(r), bool(pinned[i])))
    return tuple(duos)


def _params(options: Options, counts: dict[str, int]) -> dict[str, int | float | str]:
    out: dict[str, int | float | str] = dict(counts)
    out["min_level"] = options.min_language_level
    out["top_k"] = options.top_k
    if options.mode == "quality_first":
        out["min_score"] = options.min_score
    return out


def _reason(index: int, code: str, messages: dict[str, str], params: dict[str, int | float | str]) -> Reason:
    return Reason(index, code, messages[code].format(**params), params)


def _funnel_code(counts: dict[str, int]) -> str | None:
    for stage, key in _FUNNEL:
        if counts[key] == 0:
            return _STAGE_CODE[stage]
    return None


_STAGE_KEYS = ("in_territory", "trained", "shared_language", "gender_compatible")


def _stage_counts(
    p: Problem,
    options: Options,
    tables: Tables,
    rows: Index,
    cols: Index,
    forbidden: Index,
    axis: int,
    row_weight: BoolArray,
    col_weight: BoolArray,
) -> tuple[dict[str, Index], Index]:
    """Funnel counts of rows x cols (one territory), summed over `axis` (1: per row, 0: per col),
    and the number of feasible pairs whose other side has weight (free mentor, unmatched mentee).

    Counted by class: the profile stage of a pair depends on its two profile classes only, so
    per row it is (stage reached, row class x col class) times the histogram of the col classes;
    the few excluded pairs (companies, excluded mentors, forbids) are then taken off.
    """
    mentee_class, mentor_class = tables.mentee_profile[rows], tables.mentor_profile[cols]
    if tables.profile_stage is not None:
        stage = tables.profile_stage
        ci_n, cj_n = stage.shape
        # Counts per class first (classes x classes times a histogram), then per person.
        reached = [stage >= level for level in (1, 2, 3)]
        if axis == 1:
            hist = np.bincount(mentor_class, minlength=cj_n).astype(np.float64)
            open_hist = np.bincount(mentor_class[col_weight], minlength=cj_n).astype(np.float64)
            counts = [np.full(rows.size, cols.size, dtype=np.int64)]
            counts += [np.rint(m.astype(np.float64) @ hist).astype(np.int64)[mentee_class] for m in reached]
            open_count = np.rint(reached[2].astype(np.float64) @ open_hist).astype(np.int64)[mentee_class]
        else:
            hist = np.bincount(mentee_class, minlength=ci_n).astype(np.float64)
            open_hist = np.bincount(mentee_class[row_weight], minlength=ci_n).astype(np.float64)
            counts = [np.full(cols.size, rows.size, dtype=np.int64)]
            counts += [np.rint(hist @ m.astype(np.float64)).astype(np.int64)[mentor_class] for m in reached]
            open_count = np.rint(open_hist @ reached[2].astype(np.float64)).astype(np.int64)[mentor_class]
        # Excluded pairs that got through the profile stages are not feasible.
        r, c = _excluded_cells(p, rows, cols, forbidden)
        lost = stage[mentee_class[r], mentor_class[c]] == 3
        side = r if axis == 1 else c
        size = rows.size if axis == 1 else cols.size
        feasible = counts[3] - np.bincount(side[lost], minlength=size)
        lost &= row_weight[r] & col_weight[c]
        open_count = open_count - np.bincount(side[lost], minlength=size)
        out = dict(zip(_STAGE_KEYS, (x.astype(np.int64) for x in counts), strict=True))
        out["feasible"] = feasible.astype(np.int64)
        return out, open_count.astype(np.int64)
    # Too many classes for a table: the per-cell stage masks, block by block.
    size = rows.size if axis == 1 else cols.size
    sums = {key: np.zeros(size, dtype=np.int64) for _, key in _FUNNEL}
    n_open = np.zeros(size, dtype=np.int64)
    step = max(1, options.block_cells // max(1, cols.size))
    for start in range(0, rows.size, step):
        block = rows[start : start + step]
        masks = constraints.stages(p, block[:, None], cols[None, :], options.min_language_level, forbidden)
        part = slice(start, start + block.size) if axis == 1 else slice(None)
        for stage_name, key in _FUNNEL:
            sums[key][part] += masks[stage_name].sum(axis=axis)
        weighted = masks["exclusions"] & row_weight[start : start + block.size, None] & col_weight[None, :]
        n_open[part] += weighted.sum(axis=axis)
    return sums, n_open


def _quality_counts(
    p: Problem,
    options: Options,
    tables: Tables,
    rows: Index,
    cols: Index,
    forbidden: Index,
    axis: int,
    row_weight: BoolArray,
    col_weight: BoolArray,
) -> tuple[Index, Index]:
    """quality_first: feasible pairs scoring at least `min_score` (all, and with weight)."""
    threshold = round(options.min_score * SCALE)
    size = rows.size if axis == 1 else cols.size
    n_good = np.zeros(size, dtype=np.int64)
    n_open = np.zeros(size, dtype=np.int64)
    scorer = BlockScorer(p, options, tables, rows, cols, forbidden)
    step = max(1, options.block_cells // max(1, cols.size))
    for start in range(0, rows.size, step):
        stop = min(rows.size, start + step)
        s, ok = scorer.feasible_scores(start, stop)
        good = ok & (quantised(s) >= threshold)
        part = slice(start, stop) if axis == 1 else slice(None)
        n_good[part] += good.sum(axis=axis)
        n_open[part] += (good & row_weight[start:stop, None] & col_weight[None, :]).sum(axis=axis)
    return n_good, n_open


def mentee_reasons(
    p: Problem, options: Options, tables: Tables, matched: BoolArray, used: Index, forbidden: Index, flow: bool
) -> tuple[Reason, ...]:
    out: list[Reason] = []
    free = used < p.capacity
    unmatched = np.flatnonzero(~matched).astype(np.int64)
    for t in np.unique(p.mentee_territory[unmatched]):
        rows = unmatched[p.mentee_territory[unmatched] == t]
        cols = np.flatnonzero(p.mentor_territory == t).astype(np.int64)
        if cols.size == 0:
            for i in rows.tolist():
                counts = {key: 0 for _, key in _FUNNEL}
                out.append(_reason(i, "territory", MENTEE_MESSAGES, _params(options, counts)))
            continue
        everyone = np.ones(rows.size, dtype=bool)
        sums, n_open = _stage_counts(p, options, tables, rows, cols, forbidden, 1, everyone, free[cols])
        n_good = sums["feasible"]
        if options.mode == "quality_first":
            n_good, n_open = _quality_counts(p, options, tables, rows, cols, forbidden, 1, everyone, free[cols])
        lists = {key: v.tolist() for key, v in sums.items()}
        good_list, open_list = n_good.tolist(), n_open.tolist()
        for r, i in enumerate(rows.tolist()):
            counts = {key: int(v[r]) for key, v in lists.items()}
            code = _funnel_code(counts)
            if code is None:
                if options.mode == "quality_first" and good_list[r] == 0:
                    code = "only_poor_matches"
                elif open_list[r] == 0:
                    code = "all_feasible_mentors_at_capacity"
                else:
                    code = "outside_top_k" if flow else "not_selected"
            out.append(_reason(i, code, MENTEE_MESSAGES, _params(options, counts)))
    return tuple(sorted(out, key=lambda reason: reason.index))


def mentor_reasons(
    p: Problem, options: Options, tables: Tables, matched: BoolArray, used: Index, forbidden: Index, flow: bool
) -> tuple[Reason, ...]:
    out: list[Reason] = []
    idle = np.flatnonzero(used == 0).astype(np.int64)
    zero = {key: 0 for _, key in _FUNNEL}
    for j in idle.tolist():
        if not p.trained[j]:
            out.append(_reason(j, "untrained", MENTOR_MESSAGES, _params(options, zero)))
        elif p.capacity[j] == 0:
            out.append(_reason(j, "no_capacity", MENTOR_MESSAGES, _params(options, zero)))
    idle = idle[p.trained[idle] & (p.capacity[idle] > 0)]
    for t in np.unique(p.mentor_territory[idle]):
        cols = idle[p.mentor_territory[idle] == t]
        rows = np.flatnonzero(p.mentee_territory == t).astype(np.int64)
        everyone = np.ones(cols.size, dtype=bool)
        sums, n_open = _stage_counts(p, options, tables, rows, cols, forbidden, 0, ~matched[rows], everyone)
        n_good = sums["feasible"]
        if options.mode == "quality_first":
            n_good, n_open = _quality_counts(p, options, tables, rows, cols, forbidden, 0, ~matched[rows], everyone)
        lists = {key: v.tolist() for key, v in sums.items()}
        good_list, open_list = n_good.tolist(), n_open.tolist()
        for c, j in enumerate(cols.tolist()):
            counts = {key: int(v[c]) for key, v in lists.items()}
            code = _funnel_code(counts)
            if code == "no_trained_mentor":
                code = "untrained"  # unreachable: untrained mentors are handled above
            if code is None:
                if options.mode == "quality_first" and good_list[c] == 0:
                    code = "only_poor_matches"
                elif open_list[c] == 0:
                    code = "feasible_mentees_matched_elsewhere"
                else:
                    code = "outside_top_k" if flow else "not_selected"
            out.append(_reason(j, code, MENTOR_MESSAGES, _params(options, counts)))
    return tuple(sorted(out, key=lambda reason: reason.index))
