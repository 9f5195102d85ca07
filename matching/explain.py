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


def _scored_stages(
    p: Problem, options: Options, rows: Index, cols: Index, forbidden: Index
) -> tuple[dict[str, BoolArray], BoolArray]:
    """Stage masks for rows x cols, plus "feasible and above the quality threshold"."""
    ii, jj = rows[:, None], cols[None, :]
    masks = constraints.stages(p, ii, jj, options.min_language_level, forbidden)
    good = masks["exclusions"]
    if options.mode == "quality_first":
        s = np.rint(criteria.score(p, ii, jj, options) * np.float32(SCALE))
        good = good & (s >= round(options.min_score * SCALE))
    return masks, good


def mentee_reasons(
    p: Problem, options: Options, matched: BoolArray, used: Index, forbidden: Index, flow: bool
) -> tuple[Reason, ...]:
    out: list[Reason] = []
    free = used < p.capacity
    unmatched = np.flatnonzero(~matched).astype(np.int64)
    for t in np.unique(p.mentee_territory[unmatched]):
        rows = unmatched[p.mentee_territory[unmatched] == t]
        cols = np.flatnonzero(p.mentor_territory == t).astype(np.int64)
        step = max(1, options.block_cells // max(1, cols.size))
        for start in range(0, rows.size, step):
            block = rows[start : start + step]
            if cols.size == 0:
                for i in block.tolist():
                    counts = {key: 0 for _, key in _FUNNEL}
                    out.append(_reason(i, "territory", MENTEE_MESSAGES, _params(options, counts)))
                continue
            masks, good = _scored_stages(p, options, block, cols, forbidden)
            sums = {key: masks[stage].sum(axis=1).tolist() for stage, key in _FUNNEL}
            n_good = good.sum(axis=1).tolist()
            n_open = (good & free[cols]).sum(axis=1).tolist()
            for r, i in enumerate(block.tolist()):
                counts = {key: int(v[r]) for key, v in sums.items()}
                code = _funnel_code(counts)
                if code is None:
                    if options.mode == "quality_first" and n_good[r] == 0:
                        code = "only_poor_matches"
                    elif n_open[r] == 0:
                        code = "all_feasible_mentors_at_capacity"
                    else:
                        code = "outside_top_k" if flow else "not_selected"
                out.append(_reason(i, code, MENTEE_MESSAGES, _params(options, counts)))
    return tuple(sorted(out, key=lambda reason: reason.index))


def mentor_reasons(
    p: Problem, options: Options, matched: BoolArray, used: Index, forbidden: Index, flow: bool
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
        sums = {key: np.zeros(cols.size, dtype=np.int64) for _, key in _FUNNEL}
        n_good = np.zeros(cols.size, dtype=np.int64)
        n_open = np.zeros(cols.size, dtype=np.int64)
        step = max(1, options.block_cells // max(1, cols.size))
        for start in range(0, rows.size, step):
            block = rows[start : start + step]
            masks, good = _scored_stages(p, options, block, cols, forbidden)
            for stage, key in _FUNNEL:
                sums[key] += masks[stage].sum(axis=0)
            n_good += good.sum(axis=0)
            n_open += (good & ~matched[block][:, None]).sum(axis=0)
        for c, j in enumerate(cols.tolist()):
            counts = {key: int(v[c]) for key, v in sums.items()}
            code = _funnel_code(counts)
            if code == "no_trained_mentor":
                code = "untrained"  # unreachable: untrained mentors are handled above
            if code is None:
                if options.mode == "quality_first" and n_good[c] == 0:
                    code = "only_poor_matches"
                elif n_open[c] == 0:
                    code = "feasible_mentees_matched_elsewhere"
                else:
                    code = "outside_top_k" if flow else "not_selected"
            out.append(_reason(j, code, MENTOR_MESSAGES, _params(options, counts)))
    return tuple(sorted(out, key=lambda reason: reason.index))
