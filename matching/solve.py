"""Problem-level solve: pins, territories, candidate generation, dense or flow, results.

Scores are computed in float32 blocks of mentee rows (never a full float64 matrix)
and quantised to integers (`SCALE`): the solvers optimise these integers exactly.
Territory is a hard constraint, so each territory is an independent sub-problem and
only same-territory pairs are ever scored.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching import constraints
from matching.assign import dense_pairs, solve_flow
from matching.explain import duo_details, mentee_reasons, mentor_reasons
from matching.options import SCALE, Options
from matching.profiles import Problem
from matching.result import PinCost, PinError, Result
from matching.scoring import BlockScorer, Tables, quantised, top_k_cells

Index = NDArray[np.int64]
Pair = tuple[int, int]

_PIN_MESSAGES = {
    "territory": "the mentee and the mentor are in different territories",
    "trained": "the mentor has not completed the training",
    "language": "they share no working language at {level} or above",
    "gender": "a required gender preference is not met",
    "exclusions": "the pair is excluded (company exclusion, excluded mentor or forbid)",
}


@dataclass(frozen=True)
class Candidates:
    """Per-territory scored pairs handed to a solver (indices are global)."""

    rows: Index
    cols: Index
    score: NDArray[np.int32] | None = None  # dense: rows x cols
    ok: NDArray[np.bool_] | None = None
    mentee: Index | None = None  # flow: top-K pairs, by mentee then best first
    mentor: Index | None = None
    pair_score: Index | None = None


def _step(options: Options, cols: Index) -> int:
    return max(1, options.block_cells // max(1, cols.size))


def blocks(
    p: Problem,
    options: Options,
    rows: Index,
    cols: Index,
    forbidden: Index,
    tables: Tables | None = None,
    same_territory: bool = True,
) -> Iterator[tuple[int, NDArray[np.int64], NDArray[np.bool_]]]:
    """(offset, integer scores, feasibility) for consecutive row blocks of rows x cols.

    `same_territory`: rows and cols are known to share one territory (else it is checked).
    """
    scorer = BlockScorer(p, options, tables or Tables.build(p, options), rows, cols, forbidden)
    for start in range(0, rows.size, _step(options, cols)):
        stop = min(rows.size, start + _step(options, cols))
        s, ok = scorer.feasible_scores(start, stop)
        if not same_territory:
            ok &= p.mentee_territory[rows[start:stop], None] == p.mentor_territory[None, cols]
        yield start, quantised(s).astype(np.int64), ok


def _threads(options: Options) -> int:
    return options.threads or min(4, os.cpu_count() or 1)


def score_matrix(
    p: Problem, options: Options, forbids: Sequence[Pair] = ()
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Full integer score matrix and feasibility mask (for tests and small instances)."""
    forbidden = constraints.pair_keys(p, forbids)
    score = np.zeros((p.n, p.m), dtype=np.int64)
    ok = np.zeros((p.n, p.m), dtype=bool)
    rows, cols = np.arange(p.n, dtype=np.int64), np.arange(p.m, dtype=np.int64)
    for start, s, f in blocks(p, options, rows, cols, forbidden, same_territory=False):
        score[start : start + s.shape[0]] = s
        ok[start : start + s.shape[0]] = f
    return score, ok


def _check_pins(p: Problem, options: Options, pins: Sequence[Pair], forbids: Sequence[Pair], forbidden: Index) -> Index:
    """Validate pins against the hard constraints; return the capacity they leave."""
    remaining = p.capacity.copy()
    seen: set[int] = set()
    banned = set(forbids)
    for i, j in pins:
        if not (0 <= i < p.n and 0 <= j < p.m):
            raise PinError("unknown_index", f"pin ({i}, {j}) is out of range", i, j)
        if i in seen:
            raise PinError("mentee_pinned_twice", f"mentee {i} is pinned to two mentors", i, j)
        seen.add(i)
        if (i, j) in banned:
            raise PinError("pinned_and_forbidden", f"pair ({i}, {j}) is both pinned and forbidden", i, j)
        stage = constraints.first_failing_stage(p, i, j, options.min_language_level, forbidden)
        if stage is not None:
            message = _PIN_MESSAGES[stage].format(level=options.min_language_level)
            raise PinError(f"pin_violates_{stage}", f"cannot pin ({i}, {j}): {message}", i, j)
        remaining[j] -= 1
        if remaining[j] < 0:
            raise PinError("mentor_over_capacity", f"mentor {j} has more pins than capacity", i, j)
    return remaining


def _candidates(
    p: Problem,
    options: Options,
    tables: Tables,
    rows: Index,
    cols: Index,
    forbidden: Index,
    remaining: Index,
    dense: bool,
) -> Candidates:
    threshold = round(options.min_score * SCALE) if options.mode == "quality_first" else None
    full = np.flatnonzero(remaining[cols] <= 0)
    scorer = BlockScorer(p, options, tables, rows, cols, forbidden)
    step = _step(options, cols)
    starts = range(0, rows.size, step)

    if dense:
        score = np.zeros((rows.size, cols.size), dtype=np.int32)  # scores <= SCALE fit
        ok = np.zeros((rows.size, cols.size), dtype=bool)
        for start in starts:
            stop = min(rows.size, start + step)
            s, f = scorer.feasible_scores(start, stop)
            q = quantised(s)
            f[:, full] = False
            if threshold is not None:
                f &= q >= threshold
            score[start:stop], ok[start:stop] = q, f
        return Candidates(rows, cols, score=score, ok=ok)

    k = min(options.top_k, cols.size)

    def top_k(start: int) -> tuple[Index, Index, Index]:
        q = quantised(scorer.scores(start, min(rows.size, start + step)))
        q[:, full] = -1
        r, c = top_k_cells(q, k, threshold or 0)
        return rows[start + r], cols[c], q[r, c].astype(np.int64)

    if len(starts) > 1 and _threads(options) > 1:
        # numpy releases the GIL in the heavy array work: blocks score in parallel, and
        # `map` returns them in order, so the result is the same as in one thread.
        with ThreadPoolExecutor(max_workers=_threads(options)) as pool:
            parts = list(pool.map(top_k, starts))
    else:
        parts = [top_k(start) for start in starts]
    if parts:
        mentee, mentor, pair_score = (np.concatenate(x) for x in zip(*parts, strict=True))
    else:
        mentee = mentor = pair_score = np.zeros(0, dtype=np.int64)
    return Candidates(rows, cols, mentee=mentee, mentor=mentor, pair_score=pair_score)


def _ranks(c: Candidates, mentees: Index, mentors: Index) -> Index:
    """1 + number of feasible mentors (with free capacity) scoring strictly higher."""
    if c.score is not None and c.ok is not None:
        r = np.searchsorted(c.rows, mentees)
        col = np.searchsorted(c.cols, mentors)
        own = c.score[r, col]
        return 1 + (c.ok[r] & (c.score[r] > own[:, None])).sum(axis=1)
    assert c.mentee is not None
    assert c.mentor is not None
    assert c.pair_score is not None
    return _ranks_in_lists(c.mentee, c.mentor, c.pair_score, mentees, mentors)


def _ranks_in_lists(cand_mentee: Index, cand_mentor: Index, cand_score: Index, mentees: Index, mentors: Index) -> Index:
    """Ranks from each mentee's candidate list (its top K: everyone scoring higher is in it).

    Each chosen pair's own score is looked up among the candidates, spread to all candidates of
    that mentee, and the candidates above it are counted: no loop over mentees.
    """
    if mentees.size == 0:
        return np.zeros(0, dtype=np.int64)
    size = int(max(cand_mentee.max(initial=-1), mentees.max()) + 1)
    width = int(max(cand_mentor.max(initial=-1), mentors.max()) + 1)
    keys = cand_mentee * width + cand_mentor
    order = np.argsort(keys, kind="stable")
    pos = order[np.searchsorted(keys[order], mentees * width + mentors)]
    own = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    own[mentees] = cand_score[pos]
    above = np.bincount(cand_mentee[cand_score > own[cand_mentee]], minlength=size)
    return 1 + above[mentees]


def _groups(p: Problem, remaining: Index, pinned: NDArray[np.bool_]) -> list[tuple[Index, Index]]:
    """(free mentees, usable mentors) of each territory: independent sub-problems."""
    groups = []
    for t in np.unique(p.mentee_territory):
        rows = np.flatnonzero((p.mentee_territory == t) & ~pinned).astype(np.int64)
        cols = np.flatnonzero((p.mentor_territory == t) & p.trained & (remaining > 0)).astype(np.int64)
        if rows.size and cols.size:
            groups.append((rows, cols))
    return groups


def candidate_pairs(problem: Problem, options: Options) -> tuple[Index, Index, Index, Index]:
    """Each mentee's top-K feasible pairs (mentee, mentor, integer score) and capacities,
    as the flow solver sees them without pins (used by the greedy baseline)."""
    p = problem
    forbidden = constraints.pair_keys(p, ())
    tables = Tables.build(p, options)
    cands = [
        _candidates(p, options, tables, rows, cols, forbidden, p.capacity, dense=False)
        for rows, cols in _groups(p, p.capacity, np.zeros(p.n, dtype=bool))
    ]
    empty = np.zeros(0, dtype=np.int64)
    mentee = np.concatenate([empty] + [c.mentee for c in cands if c.mentee is not None])
    mentor = np.concatenate([empty] + [c.mentor for c in cands if c.mentor is not None])
    score = np.concatenate([empty] + [c.pair_score for c in cands if c.pair_score is not None])
    return mentee, mentor, score, p.capacity.copy()


def solve(
    problem: Problem,
    options: Options | None = None,
    pins: Sequence[Pair] = (),
    forbids: Sequence[Pair] = (),
) -> Result:
    """Globally optimal duos under the hard constraints, with explanations and reasons.

    pins: (mentee_index, mentor_index) pairs that must be formed; a pin that breaks a
        hard constraint, or over-fills a mentor, raises `PinError`.
    forbids: pairs that must not be formed (on top of the declared exclusions).
    """
    options = options or Options()
    p = problem
    pins, forbids = list(dict.fromkeys(pins)), list(forbids)
    forbidden = constraints.pair_keys(p, forbids)
    remaining = _check_pins(p, options, pins, forbids, forbidden)
    pinned = np.zeros(p.n, dtype=bool)
    pinned[[i for i, _ in pins]] = True

    groups = _groups(p, remaining, pinned)
    cells = sum(int(r.size) * int(remaining[c].sum()) for r, c in groups)
    dense = options.solver == "dense" or (options.solver == "auto" and cells <= options.dense_max_cells)
    solver = "dense" if dense else f"flow(top_k={options.top_k})"
    slots = int(sum(int(remaining[c].sum()) for _, c in groups))
    free_mentees = int(sum(r.size for r, _ in groups))
    # Coverage first: a bonus above any achievable total score makes one more matched
    # mentee worth more than every score difference (exact lexicographic optimum).
    bonus = min(free_mentees, slots) * SCALE + 1 if options.mode == "coverage_first" else 0

    tables = Tables.build(p, options)
    cands = [_candidates(p, options, tables, rows, cols, forbidden, remaining, dense) for rows, cols in groups]
    found: list[tuple[Index, Index, Index, Index]] = []  # mentee, mentor, int score, rank
    if dense:
        for c in cands:
            assert c.score is not None
            assert c.ok is not None
            # The bonus rides in as a per-mentee penalty: no float64 copy of the score matrix.
            bonus_of = np.full(c.rows.size, float(bonus))
            r, k = dense_pairs(c.score, remaining[c.cols], bonus_of, c.ok)
            mentee, mentor = c.rows[r], c.cols[k]
            found.append((mentee, mentor, c.score[r, k].astype(np.int64), _ranks(c, mentee, mentor)))
    elif cands:
        mentee = np.concatenate([c.mentee for c in cands if c.mentee is not None])
        mentor = np.concatenate([c.mentor for c in cands if c.mentor is not None])
        pair_score = np.concatenate([c.pair_score for c in cands if c.pair_score is not None])
        chosen = solve_flow(p.n, p.m, mentee, mentor, pair_score + bonus, remaining)
        a, b, got = mentee[chosen], mentor[chosen], pair_score[chosen]
        found.append((a, b, got, _ranks_in_lists(mentee, mentor, pair_score, a, b)))

    pin_i = np.array([i for i, _ in pins], dtype=np.int64)
    pin_j = np.array([j for _, j in pins], dtype=np.int64)
    pin_score, pin_rank = _pin_scores(p, options, tables, pin_i, pin_j, forbidden)
    found.append((pin_i, pin_j, pin_score, pin_rank))
    mentee, mentor, int_score, rank = (np.concatenate(x) for x in zip(*found, strict=True))
    order = np.lexsort((mentor, mentee))
    mentee, mentor, int_score, rank = mentee[order], mentor[order], int_score[order], rank[order]

    duos = duo_details(p, options, mentee, mentor, rank, pinned)
    used = np.bincount(mentor, minlength=p.m)
    matched = np.zeros(p.n, dtype=bool)
    matched[mentee] = True
    flow_solver = not dense
    return Result(
        duos=duos,
        unmatched_mentees=mentee_reasons(p, options, tables, matched, used, forbidden, flow_solver),
        unmatched_mentors=mentor_reasons(p, options, tables, matched, used, forbidden, flow_solver),
        total_score=float(sum(d.score for d in duos)),
        objective=int(int_score.sum()),
        matched=len(duos),
        coverage=len(duos) / p.n if p.n else 0.0,
        solver=solver,
        options=options,
    )


def _pin_scores(
    p: Problem, options: Options, tables: Tables, mentees: Index, mentors: Index, forbidden: Index
) -> tuple[Index, Index]:
    """Integer score and rank (among all feasible mentors) of each pinned pair."""
    scores = np.zeros(mentees.size, dtype=np.int64)
    ranks = np.zeros(mentees.size, dtype=np.int64)
    for k, (i, j) in enumerate(zip(mentees.tolist(), mentors.tolist(), strict=True)):
        cols = np.flatnonzero(p.mentor_territory == p.mentee_territory[i]).astype(np.int64)
        _, s, ok = next(blocks(p, options, np.array([i], dtype=np.int64), cols, forbidden, tables))
        own = int(s[0, np.searchsorted(cols, j)])
        scores[k] = own
        ranks[k] = 1 + int(np.count_nonzero(ok[0] & (s[0] > own)))
    return scores, ranks


def cost_of_pin(
    problem: Problem,
    options: Options | None,
    mentee: int,
    mentor: int,
    pins: Sequence[Pair] = (),
    forbids: Sequence[Pair] = (),
    base: Result | None = None,
) -> PinCost:
    """Optimal total and matched count with (mentee, mentor) pinned vs without.

    Pass `base` (the result of the same solve without the extra pin) to save a solve.
    Raises PinError if the pair cannot be pinned.
    """
    without = base or solve(problem, options, pins, forbids)
    others = [(i, j) for i, j in pins if i != mentee]
    forced = solve(problem, options, [*others, (mentee, mentor)], forbids)
    return PinCost(
        mentee=mentee,
        mentor=mentor,
        total_without=without.total_score,
        total_with=forced.total_score,
        matched_without=without.matched,
        matched_with=forced.matched,
    )
