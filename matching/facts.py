"""The concrete facts behind one pair's score, for a person to read: how far apart they are,
which languages they share at which levels, when both are free, how their occupations relate.

The criteria (`criteria.py`) turn these facts into values in [0, 1]; this module keeps the facts
themselves, computed from the same profiles with the same rules, so a board can say "12 km,
French B1/C2, 9 shared hours" next to the bars.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matching.criteria import EARTH_RADIUS_KM
from matching.profiles import LEVEL_RANK, OCCUPATION_LEVELS, PARTS_OF_DAY, Mentee, Mentor


@dataclass(frozen=True, slots=True)
class SharedLanguage:
    code: str
    mentee_level: str
    mentor_level: str


@dataclass(frozen=True, slots=True)
class PairFacts:
    distance_km: float | None  # None when a place is unknown
    languages: tuple[SharedLanguage, ...]  # best shared level first
    shared_slots: tuple[tuple[int, int], ...]  # (day 0 = Monday, part 0 = morning … 2 = evening)
    occupation: str | None  # best OCCUPATION_LEVELS key over the mentee's targets, None if none
    occupation_target: str | None  # the target code that reached it


def distance_km(mentee: Mentee, mentor: Mentor) -> float | None:
    """Great-circle distance between the mentee's home and the mentor's workplace."""
    if None in (mentee.lat, mentee.lon, mentor.lat, mentor.lon):
        return None
    phi1, phi2 = math.radians(mentee.lat or 0.0), math.radians(mentor.lat or 0.0)
    dphi, dlam = phi2 - phi1, math.radians((mentor.lon or 0.0) - (mentee.lon or 0.0))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def shared_languages(mentee: Mentee, mentor: Mentor) -> tuple[SharedLanguage, ...]:
    shared = [
        SharedLanguage(code, level, mentor.languages[code])
        for code, level in mentee.languages.items()
        if code in mentor.languages
    ]
    return tuple(
        sorted(
            shared,
            key=lambda s: (-min(LEVEL_RANK[s.mentee_level], LEVEL_RANK[s.mentor_level]), s.code),
        )
    )


def shared_slots(mentee: Mentee, mentor: Mentor) -> tuple[tuple[int, int], ...]:
    both = mentee.availability & mentor.availability
    return tuple(divmod(bit, PARTS_OF_DAY) for bit in range(both.bit_length()) if both >> bit & 1)


def occupation_level(
    mentee: Mentee, mentor: Mentor, sector_codes: Mapping[str, Iterable[str]]
) -> tuple[str | None, str | None]:
    """The best relation over the mentee's targets, as `criteria.occupation` scores it."""
    best: tuple[float, str | None, str | None] = (0.0, None, None)
    listed = set(sector_codes.get(mentor.naf_sector or "", ()))
    for target in mentee.target_rome:
        levels = []
        if mentor.rome:
            if target == mentor.rome:
                levels.append("same_code")
            elif target[:3] == mentor.rome[:3]:
                levels.append("same_family")
            elif target[:1] == mentor.rome[:1]:
                levels.append("same_domain")
        if target in listed:
            levels.append("related_sector")
        for level in levels:
            if OCCUPATION_LEVELS[level] > best[0]:
                best = (OCCUPATION_LEVELS[level], level, target)
    return best[1], best[2]


def pair_facts(mentee: Mentee, mentor: Mentor, sector_codes: Mapping[str, Iterable[str]] | None = None) -> PairFacts:
    level, target = occupation_level(mentee, mentor, sector_codes or {})
    return PairFacts(
        distance_km=distance_km(mentee, mentor),
        languages=shared_languages(mentee, mentor),
        shared_slots=shared_slots(mentee, mentor),
        occupation=level,
        occupation_target=target,
    )
