"""What a coordinator reads next to each proposed duo: the mentee's target jobs, the mentor's job,
how their occupations relate, the distance in km, the languages they share with both levels, and
the hours a week both are free.

Read from the run's input snapshot (what the engine saw, so the facts explain the score even after
a profile changes), with two queries for the whole board (occupation and language names), never
one per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from binome.people.models import DAY_PARTS, DAYS
from binome.reference.models import CefrLevel, Language, Occupation

#: A weekly slot is a morning, an afternoon or an evening; each counts as this many hours.
SLOT_HOURS = 3
#: Shared slots named on the board before "…".
SLOTS_SHOWN = 3

OCCUPATION_MATCH: dict[str | None, Promise] = {
    "same_code": _("same occupation"),
    "same_family": _("same family of occupations"),
    "related_sector": _("the mentor's sector employs this occupation"),
    "same_domain": _("same professional field"),
    None: _("no occupation in common"),
}


@dataclass
class SharedLanguage:
    name: str
    mentee_level: str
    mentor_level: str


@dataclass
class DuoFacts:
    targets: list[str]
    mentor_occupation: str
    occupation_match: str
    distance_km: int | None
    languages: list[SharedLanguage] = field(default_factory=list)
    hours: int = 0
    slots: list[str] = field(default_factory=list)
    more_slots: bool = False


def _level(code: str) -> str:
    return str(CefrLevel(code).label) if code in CefrLevel.values else code


def _slot(day: int, part: int) -> str:
    return f"{DAYS[day][1]} {DAY_PARTS[part][1]}"


class FactsReader:
    """Facts of the pairs of the run's pool, from its snapshot; names are fetched once.

    `pairs` ((mentee id, mentor id), e.g. the page of the board being shown) narrows the reader to
    those people, so a big pool's other rows cost nothing; without it, any pair can be read.
    """

    def __init__(self, snapshot: dict[str, Any], pairs: Iterable[tuple[int, int]] | None = None) -> None:
        mentees, mentors = snapshot.get("mentees", []), snapshot.get("mentors", [])
        if pairs is not None:
            wanted = list(pairs)
            mentee_ids, mentor_ids = {a for a, _ in wanted}, {b for _, b in wanted}
            mentees = [row for row in mentees if row["id"] in mentee_ids]
            mentors = [row for row in mentors if row["id"] in mentor_ids]
        self.mentees = {row["id"]: row for row in mentees}
        self.mentors = {row["id"]: row for row in mentors}
        self.sector_codes: dict[str, list[str]] = snapshot.get("sector_codes", {})
        codes = {code for row in self.mentees.values() for code in row.get("target_rome", [])}
        codes |= {row["rome"] for row in self.mentors.values() if row.get("rome")}
        self.occupations = dict(Occupation.objects.filter(code__in=codes).values_list("code", "label"))
        spoken = {code for row in [*self.mentees.values(), *self.mentors.values()] for code in row["languages"]}
        self.languages = {language.code: str(language) for language in Language.objects.filter(code__in=spoken)}
        self.slot_names: dict[tuple[int, int], str] = {}  # "Lundi soir", translated once per slot

    def _slot(self, day: int, part: int) -> str:
        if (day, part) not in self.slot_names:
            self.slot_names[day, part] = _slot(day, part)
        return self.slot_names[day, part]

    def facts(self, mentee_id: int, mentor_id: int) -> DuoFacts | None:
        import matching  # on first use, not at start-up: see binome/pairing/engine.py

        mentee_row, mentor_row = self.mentees.get(mentee_id), self.mentors.get(mentor_id)
        if mentee_row is None or mentor_row is None:  # a pair made after the snapshot (none today)
            return None
        mentee = matching.Mentee(**{**mentee_row, "target_rome": tuple(mentee_row["target_rome"])})
        found = matching.pair_facts(mentee, matching.Mentor(**mentor_row), self.sector_codes)
        slots = [self._slot(day, part) for day, part in found.shared_slots]
        return DuoFacts(
            targets=[self.occupations.get(code, code) for code in mentee.target_rome],
            mentor_occupation=self.occupations.get(mentor_row.get("rome") or "", ""),
            occupation_match=str(OCCUPATION_MATCH.get(found.occupation, OCCUPATION_MATCH[None])),
            distance_km=None if found.distance_km is None else round(found.distance_km),
            languages=[
                SharedLanguage(self.languages.get(s.code, s.code), _level(s.mentee_level), _level(s.mentor_level))
                for s in found.languages
            ],
            hours=SLOT_HOURS * len(slots),
            slots=slots[:SLOTS_SHOWN],
            more_slots=len(slots) > SLOTS_SHOWN,
        )
