"""What a solve returns: duos with their explanations, reasons for the unmatched."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from matching.options import Options

# 1.1: blocks scored from class tables, distances from unit vectors (scores move by <= 1e-6).
ENGINE_VERSION = "1.1.0"


@dataclass(frozen=True, slots=True)
class Duo:
    """A proposed pair; `score == sum(contributions.values())` (summed in CRITERIA order)."""

    mentee: int
    mentor: int
    score: float
    contributions: Mapping[str, float] = field(hash=False)
    rank: int  # of this mentor among the mentee's feasible mentors, 1 = best score
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a mentee or mentor is left unmatched: a stable code, English text, params.

    `params` holds the funnel counts (candidates left after each hard constraint) and
    whatever the message refers to, so the Django side can translate from the code.
    """

    index: int
    code: str
    message: str
    params: Mapping[str, int | float | str] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Result:
    duos: tuple[Duo, ...]
    unmatched_mentees: tuple[Reason, ...]
    unmatched_mentors: tuple[Reason, ...]
    total_score: float  # sum of the duos' scores
    objective: int  # sum of the duos' integer scores (score * SCALE, rounded): what is optimised
    matched: int
    coverage: float  # matched mentees / mentees
    solver: str  # "dense" or "flow(top_k=K)"
    options: Options
    engine_version: str = ENGINE_VERSION

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(d.mentee, d.mentor) for d in self.duos]


class PinError(ValueError):
    """A coordinator pin that cannot be honoured; `code` is stable, like reason codes."""

    def __init__(self, code: str, message: str, mentee: int, mentor: int) -> None:
        super().__init__(message)
        self.code = code
        self.mentee = mentee
        self.mentor = mentor


@dataclass(frozen=True, slots=True)
class PinCost:
    """What forcing one pair costs against the optimum without it."""

    mentee: int
    mentor: int
    total_without: float
    total_with: float
    matched_without: int
    matched_with: int

    @property
    def delta_score(self) -> float:
        return self.total_with - self.total_without

    @property
    def delta_matched(self) -> int:
        return self.matched_with - self.matched_without
