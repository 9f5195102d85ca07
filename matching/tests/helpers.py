"""Small random problems and a brute-force optimum to check the solvers against."""

from __future__ import annotations

import itertools

import numpy as np

from matching import Mentee, Mentor, Problem
from matching.options import SCALE, Options

CODES = ["M1805", "M1801", "M1203", "A1101", "D1106", "D1101"]
SECTORS = {"62": ["M1805", "A1101"], "47": ["D1106"]}
LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2", "native"]


def random_problem(seed: int, n: int, m: int) -> Problem:
    """Tiny, conflict-rich problems: 2 territories, few languages, some exclusions."""
    rng = np.random.default_rng(seed)

    def languages() -> dict[str, str]:
        out = {}
        for code in ("fr", "ar", "en"):
            if rng.random() < 0.6:
                out[code] = str(rng.choice(LEVELS))
        return out

    def place() -> tuple[float | None, float | None]:
        if rng.random() < 0.15:
            return None, None
        return float(48.85 + rng.normal(0, 0.2)), float(2.35 + rng.normal(0, 0.2))

    mentees = []
    for i in range(n):
        lat, lon = place()
        pref = str(rng.choice(["f", "m"])) if rng.random() < 0.3 else None
        mentees.append(
            Mentee(
                id=100 + i,
                territory=int(rng.integers(1, 3)) if rng.random() < 0.2 else 1,
                languages=languages(),
                target_rome=tuple(str(c) for c in rng.choice(CODES, size=int(rng.integers(0, 4)), replace=False)),
                lat=lat,
                lon=lon,
                gender=str(rng.choice(["f", "m"])),
                gender_preference=pref,
                gender_required=pref is not None and rng.random() < 0.4,
                meeting_mode=str(rng.choice(["either", "in_person", "remote"])),
                availability=int(rng.integers(0, 1 << 21)) if rng.random() < 0.8 else 0,
                excluded_companies=(int(rng.integers(3)),) if rng.random() < 0.2 else (),
                excluded_mentors=(200 + int(rng.integers(m)),) if m and rng.random() < 0.15 else (),
            )
        )
    mentors = []
    for j in range(m):
        lat, lon = place()
        pref = str(rng.choice(["f", "m"])) if rng.random() < 0.2 else None
        mentors.append(
            Mentor(
                id=200 + j,
                territory=int(rng.integers(1, 3)) if rng.random() < 0.2 else 1,
                languages=languages(),
                rome=str(rng.choice(CODES)) if rng.random() < 0.9 else None,
                naf_sector=str(rng.choice(["62", "47", "10"])),
                company=int(rng.integers(3)),
                lat=lat,
                lon=lon,
                gender=str(rng.choice(["f", "m"])),
                gender_preference=pref,
                gender_required=pref is not None and rng.random() < 0.4,
                meeting_mode=str(rng.choice(["either", "in_person", "remote"])),
                availability=int(rng.integers(0, 1 << 21)),
                capacity=int(rng.integers(0, 3)) if rng.random() < 0.2 else int(rng.integers(1, 3)),
                trained=bool(rng.random() < 0.85),
            )
        )
    return Problem.build(mentees, mentors, SECTORS)


def brute_force(
    score: np.ndarray,
    ok: np.ndarray,
    capacity: np.ndarray,
    options: Options,
    pins: list[tuple[int, int]] = (),  # type: ignore[assignment]
) -> tuple[int, int]:
    """Best (matched, total integer score) by enumeration, in the options' mode order."""
    n, m = score.shape
    pinned = dict(pins)
    threshold = round(options.min_score * SCALE) if options.mode == "quality_first" else None
    best: tuple[int, int] | None = None
    choices = [[pinned[i]] if i in pinned else [-1, *range(m)] for i in range(n)]
    for combo in itertools.product(*choices):
        used = np.bincount([j for j in combo if j >= 0], minlength=m)
        if np.any(used > capacity):
            continue
        valid = True
        for i, j in enumerate(combo):
            if j < 0 or i in pinned:
                continue
            if not ok[i, j] or (threshold is not None and score[i, j] < threshold):
                valid = False
                break
        if not valid:
            continue
        matched = sum(1 for j in combo if j >= 0)
        total = sum(int(score[i, j]) for i, j in enumerate(combo) if j >= 0)
        key = (matched, total) if options.mode == "coverage_first" else (0, total)
        if best is None or key > best:
            best = key
    assert best is not None
    return best
