"""Binôme's matching engine: pure numpy/scipy/OR-Tools, no Django.

Build a `Problem` from `Mentee`/`Mentor` profiles, call `solve(problem, options, pins,
forbids)`, read `Result.duos` (with per-criterion contributions and ranks) and the
reasons in `Result.unmatched_mentees` / `unmatched_mentors`. `assign` is the low-level
exact maximum-weight matching on a plain score matrix. See matching/README.md.
"""

from matching.assign import assign
from matching.criteria import CRITERION_FUNCTIONS
from matching.facts import PairFacts, SharedLanguage, pair_facts
from matching.greedy import greedy
from matching.options import CRITERIA, PRESETS, SCALE, Options, Weights
from matching.profiles import ALL_SLOTS, LEVELS, MEETING_MODES, Mentee, Mentor, Problem, slot
from matching.result import ENGINE_VERSION, Duo, PinCost, PinError, Reason, Result
from matching.solve import cost_of_pin, score_matrix, solve

__all__ = [
    "ALL_SLOTS",
    "CRITERIA",
    "CRITERION_FUNCTIONS",
    "ENGINE_VERSION",
    "LEVELS",
    "MEETING_MODES",
    "PRESETS",
    "SCALE",
    "Duo",
    "Mentee",
    "Mentor",
    "Options",
    "PairFacts",
    "PinCost",
    "PinError",
    "Problem",
    "Reason",
    "Result",
    "SharedLanguage",
    "Weights",
    "assign",
    "cost_of_pin",
    "greedy",
    "pair_facts",
    "score_matrix",
    "slot",
    "solve",
]
