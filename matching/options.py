"""Weights, presets and solver options: plain data, stored with every match run."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

#: Integer scale of the scores handed to the solvers (scores are quantised to 1e-6).
SCALE = 1_000_000

CRITERIA = (
    "occupation",
    "language",
    "distance",
    "availability",
    "gender_preference",
    "meeting_mode",
)

Mode = Literal["coverage_first", "quality_first"]
Solver = Literal["auto", "dense", "flow"]


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weight of each criterion; only the ratios matter (see `normalised`)."""

    occupation: float = 0.35
    language: float = 0.2
    distance: float = 0.15
    availability: float = 0.15
    gender_preference: float = 0.05
    meeting_mode: float = 0.1

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(v < 0 or v != v for v in values):
            raise ValueError(f"weights must be non-negative numbers, got {values}")
        if sum(values) <= 0:
            raise ValueError("at least one weight must be positive")

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in CRITERIA}

    def normalised(self) -> dict[str, float]:
        """Weights summing to 1, so that every score lies in [0, 1]."""
        raw = self.as_dict()
        total = sum(raw.values())
        return {name: value / total for name, value in raw.items()}


PRESETS: dict[str, Weights] = {
    "balanced": Weights(),
    "occupation_first": Weights(
        occupation=0.6,
        language=0.15,
        distance=0.1,
        availability=0.08,
        gender_preference=0.02,
        meeting_mode=0.05,
    ),
    "proximity_first": Weights(
        occupation=0.2,
        language=0.15,
        distance=0.4,
        availability=0.15,
        gender_preference=0.02,
        meeting_mode=0.08,
    ),
}


@dataclass(frozen=True, slots=True)
class Options:
    """How to score and solve.

    mode:
        ``coverage_first`` maximises the number of matched mentees, then the total score
        (lexicographically, exactly). ``quality_first`` maximises the total score over
        pairs scoring at least ``min_score``: a mentee whose feasible pairs all score
        below it stays unmatched.
    solver:
        ``dense`` solves every feasible pair exactly (``linear_sum_assignment``);
        ``flow`` keeps each mentee's ``top_k`` best feasible mentors and solves a
        min-cost flow; ``auto`` picks ``dense`` while the dense matrices stay below
        ``dense_max_cells`` cells, ``flow`` beyond.
    """

    weights: Weights = field(default_factory=Weights)
    mode: Mode = "coverage_first"
    min_language_level: str = "B1"
    min_score: float = 0.3
    top_k: int = 50
    solver: Solver = "auto"
    dense_max_cells: int = 4_000_000
    distance_scale_km: float = 15.0
    neutral: float = 0.5
    block_cells: int = 262_144
    threads: int = 0  # threads scoring blocks for the flow solver; 0 = one per core, up to 4

    def __post_init__(self) -> None:
        from matching.profiles import LEVEL_RANK

        if self.mode not in ("coverage_first", "quality_first"):
            raise ValueError(f"unknown mode {self.mode!r}")
        if self.solver not in ("auto", "dense", "flow"):
            raise ValueError(f"unknown solver {self.solver!r}")
        if self.min_language_level not in LEVEL_RANK:
            raise ValueError(f"unknown language level {self.min_language_level!r}")
        if self.top_k < 1:
            raise ValueError("top_k must be at least 1")
        if not 0.0 <= self.min_score <= 1.0:
            raise ValueError("min_score must lie in [0, 1]")
        if not 0.0 <= self.neutral <= 1.0:
            raise ValueError("neutral must lie in [0, 1]")
        if self.distance_scale_km <= 0:
            raise ValueError("distance_scale_km must be positive")
        if self.block_cells < 1:
            raise ValueError("block_cells must be positive")
        if self.threads < 0:
            raise ValueError("threads must be 0 (automatic) or positive")

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form, to store on a match run."""
        return {
            "weights": self.weights.as_dict(),
            "mode": self.mode,
            "min_language_level": self.min_language_level,
            "min_score": self.min_score,
            "top_k": self.top_k,
            "solver": self.solver,
            "dense_max_cells": self.dense_max_cells,
            "distance_scale_km": self.distance_scale_km,
            "neutral": self.neutral,
        }
