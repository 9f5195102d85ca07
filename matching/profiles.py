"""Per-person input profiles and their column-oriented encoding (`Problem`).

The Django side builds `Mentee` and `Mentor` objects (database ids stay opaque ints);
`Problem.build` turns them into numpy columns once, so that every criterion and
constraint is a vectorised expression over (mentee, mentor) index arrays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
#: 0 means "does not speak"; the order matters (the lower of two levels is shared).
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS, start=1)}
MEETING_MODES = ("either", "in_person", "remote")
DAYS, PARTS_OF_DAY = 7, 3
ALL_SLOTS = (1 << (DAYS * PARTS_OF_DAY)) - 1
ROME_PATTERN = re.compile(r"^[A-N]\d{4}$")

#: Occupation levels, best first; a pair takes the best level over the mentee's targets.
OCCUPATION_LEVELS = {
    "same_code": 1.0,
    "same_family": 0.6,
    "related_sector": 0.4,
    "same_domain": 0.3,
}

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]


def slot(day: int, part: int) -> int:
    """Availability bit of a day (0 = Monday) and part of day (0 morning, 1, 2 evening)."""
    if not (0 <= day < DAYS and 0 <= part < PARTS_OF_DAY):
        raise ValueError(f"no slot for day {day}, part {part}")
    return 1 << (day * PARTS_OF_DAY + part)


def _check_common(who: str, languages: Mapping[str, str], meeting_mode: str, availability: int) -> None:
    for code, level in languages.items():
        if level not in LEVEL_RANK:
            raise ValueError(f"{who}: unknown level {level!r} for language {code!r}")
    if meeting_mode not in MEETING_MODES:
        raise ValueError(f"{who}: unknown meeting mode {meeting_mode!r}")
    if not 0 <= availability <= ALL_SLOTS:
        raise ValueError(f"{who}: availability must be a 21-bit mask")


@dataclass(frozen=True, slots=True)
class Mentee:
    id: int
    territory: int
    languages: Mapping[str, str] = field(default_factory=dict, hash=False)
    target_rome: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    gender: str | None = None
    gender_preference: str | None = None
    gender_required: bool = False
    meeting_mode: str = "either"
    availability: int = 0
    excluded_companies: tuple[int, ...] = ()
    excluded_mentors: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        who = f"mentee {self.id}"
        _check_common(who, self.languages, self.meeting_mode, self.availability)
        if len(self.target_rome) > 3:
            raise ValueError(f"{who}: at most 3 target ROME codes")
        for code in self.target_rome:
            if not ROME_PATTERN.match(code):
                raise ValueError(f"{who}: {code!r} is not a ROME code")
        if self.gender_required and self.gender_preference is None:
            raise ValueError(f"{who}: a required gender preference needs a gender")


@dataclass(frozen=True, slots=True)
class Mentor:
    id: int
    territory: int
    languages: Mapping[str, str] = field(default_factory=dict, hash=False)
    rome: str | None = None
    naf_sector: str | None = None
    company: int | None = None
    lat: float | None = None
    lon: float | None = None
    gender: str | None = None
    gender_preference: str | None = None
    gender_required: bool = False
    meeting_mode: str = "either"
    availability: int = 0
    capacity: int = 1
    trained: bool = True

    def __post_init__(self) -> None:
        who = f"mentor {self.id}"
        _check_common(who, self.languages, self.meeting_mode, self.availability)
        if self.rome is not None and not ROME_PATTERN.match(self.rome):
            raise ValueError(f"{who}: {self.rome!r} is not a ROME code")
        if self.capacity < 0:
            raise ValueError(f"{who}: capacity must be >= 0")
        if self.gender_required and self.gender_preference is None:
            raise ValueError(f"{who}: a required gender preference needs a gender")


def _geo(people: Sequence[Mentee] | Sequence[Mentor]) -> tuple[NDArray[np.float64], BoolArray]:
    """Half-angle sines/cosines for the product form of the haversine formula.

    sin((a - b) / 2) = sin(a/2)cos(b/2) - cos(a/2)sin(b/2), so the pairwise haversine
    needs no trigonometry on the (mentees x mentors) arrays, only products. Kept in float64:
    in float32 the difference of two products loses about half a metre.
    """
    lat = np.array([np.nan if p.lat is None else p.lat for p in people], dtype=np.float64)
    lon = np.array([np.nan if p.lon is None else p.lon for p in people], dtype=np.float64)
    has = ~(np.isnan(lat) | np.isnan(lon))
    phi = np.radians(np.where(has, lat, 0.0))
    lam = np.radians(np.where(has, lon, 0.0))
    cols = [np.sin(phi / 2), np.cos(phi / 2), np.sin(lam / 2), np.cos(lam / 2), np.cos(phi)]
    return np.stack(cols, axis=1), has


def _vocab(values: Iterable[str | None]) -> dict[str, int]:
    return {v: k for k, v in enumerate(sorted({v for v in values if v is not None}))}


@dataclass(frozen=True, eq=False)
class Problem:
    """Mentees and mentors encoded as numpy columns (index i = mentee, j = mentor)."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    languages: tuple[str, ...]
    mentee_lang: NDArray[np.uint8]  # (n, L) level ranks, 0 = not spoken
    mentor_lang: NDArray[np.uint8]
    mentee_territory: IntArray
    mentor_territory: IntArray
    mentee_geo: NDArray[np.float64]  # (n, 5), see _geo
    mentor_geo: NDArray[np.float64]
    mentee_has_geo: BoolArray
    mentor_has_geo: BoolArray
    mentee_targets: IntArray  # (n, 3) row of occ_table, -1 = padding (a zero row)
    mentor_occ_key: IntArray  # (m,) column of occ_table
    occ_table: FloatArray  # (target codes + 1, mentor keys)
    mentor_company: IntArray  # dense company id, -1 = none
    mentee_excluded: IntArray  # (n, E) dense company ids, -2 = padding
    mentee_gender: IntArray  # dense gender id, -1 = unknown
    mentor_gender: IntArray
    mentee_gender_pref: IntArray  # -1 = no preference
    mentor_gender_pref: IntArray
    mentee_gender_required: BoolArray
    mentor_gender_required: BoolArray
    mentee_mode: IntArray
    mentor_mode: IntArray
    mentee_availability: IntArray
    mentor_availability: IntArray
    capacity: IntArray
    trained: BoolArray
    excluded_pairs: IntArray  # sorted keys i * m + j of declared excluded mentors

    @property
    def n(self) -> int:
        return len(self.mentees)

    @property
    def m(self) -> int:
        return len(self.mentors)

    @classmethod
    def build(
        cls,
        mentees: Sequence[Mentee],
        mentors: Sequence[Mentor],
        sector_codes: Mapping[str, Iterable[str]] | None = None,
    ) -> Problem:
        """Encode profiles; `sector_codes` maps a NAF sector id to the ROME codes it lists."""
        mentees, mentors = tuple(mentees), tuple(mentors)
        n, m = len(mentees), len(mentors)
        for kind, people in (("mentee", mentees), ("mentor", mentors)):
            ids = [p.id for p in people]
            if len(set(ids)) != len(ids):
                raise ValueError(f"duplicate {kind} ids")

        everyone: tuple[Mentee | Mentor, ...] = (*mentees, *mentors)
        langs = tuple(sorted({code for p in everyone for code in p.languages}))
        lang_index = {code: k for k, code in enumerate(langs)}

        def lang_matrix(people: Sequence[Mentee | Mentor]) -> NDArray[np.uint8]:
            out = np.zeros((len(people), len(langs)), dtype=np.uint8)
            for row, p in enumerate(people):
                for code, level in p.languages.items():
                    out[row, lang_index[code]] = LEVEL_RANK[level]
            return out

        mentee_geo, mentee_has = _geo(mentees)
        mentor_geo, mentor_has = _geo(mentors)
        targets, occ_key, occ_table = _occupation(mentees, mentors, sector_codes or {})

        companies = {c: k for k, c in enumerate(sorted({t.company for t in mentors if t.company is not None}))}
        width = max([len(s.excluded_companies) for s in mentees] + [1])
        excluded = np.full((n, width), -2, dtype=np.int64)
        for row, s in enumerate(mentees):
            known = [companies[c] for c in s.excluded_companies if c in companies]
            excluded[row, : len(known)] = known

        genders = _vocab(g for p in everyone for g in (p.gender, p.gender_preference))
        modes = {mode: k for k, mode in enumerate(MEETING_MODES)}
        mentor_index = {t.id: j for j, t in enumerate(mentors)}
        pairs = sorted(
            {i * m + mentor_index[t] for i, s in enumerate(mentees) for t in s.excluded_mentors if t in mentor_index}
        )

        def ints(values: Iterable[int]) -> IntArray:
            return np.fromiter(values, dtype=np.int64)

        def gender_ids(values: Iterable[str | None]) -> IntArray:
            return ints(-1 if g is None else genders[g] for g in values)

        return cls(
            mentees=mentees,
            mentors=mentors,
            languages=langs,
            mentee_lang=lang_matrix(mentees),
            mentor_lang=lang_matrix(mentors),
            mentee_territory=ints(s.territory for s in mentees),
            mentor_territory=ints(t.territory for t in mentors),
            mentee_geo=mentee_geo,
            mentor_geo=mentor_geo,
            mentee_has_geo=mentee_has,
            mentor_has_geo=mentor_has,
            mentee_targets=targets,
            mentor_occ_key=occ_key,
            occ_table=occ_table,
            mentor_company=ints(-1 if t.company is None else companies[t.company] for t in mentors),
            mentee_excluded=excluded,
            mentee_gender=gender_ids(s.gender for s in mentees),
            mentor_gender=gender_ids(t.gender for t in mentors),
            mentee_gender_pref=gender_ids(s.gender_preference for s in mentees),
            mentor_gender_pref=gender_ids(t.gender_preference for t in mentors),
            mentee_gender_required=np.array([s.gender_required for s in mentees], dtype=bool),
            mentor_gender_required=np.array([t.gender_required for t in mentors], dtype=bool),
            mentee_mode=ints(modes[s.meeting_mode] for s in mentees),
            mentor_mode=ints(modes[t.meeting_mode] for t in mentors),
            mentee_availability=ints(s.availability for s in mentees),
            mentor_availability=ints(t.availability for t in mentors),
            capacity=ints(t.capacity for t in mentors),
            trained=np.array([t.trained for t in mentors], dtype=bool),
            excluded_pairs=ints(pairs),
        )

    def mentee_index(self, mentee_id: int) -> int:
        for i, s in enumerate(self.mentees):
            if s.id == mentee_id:
                return i
        raise KeyError(f"no mentee with id {mentee_id}")

    def mentor_index(self, mentor_id: int) -> int:
        for j, t in enumerate(self.mentors):
            if t.id == mentor_id:
                return j
        raise KeyError(f"no mentor with id {mentor_id}")


def _occupation(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], sector_codes: Mapping[str, Iterable[str]]
) -> tuple[IntArray, IntArray, FloatArray]:
    """Precompute the occupation value of every (target code, mentor code and sector) key.

    The table is small (distinct codes x distinct mentor keys), so the pairwise criterion
    is a gather per target instead of string comparisons over all pairs.
    """
    target_codes = sorted({c for s in mentees for c in s.target_rome})
    code_row = {c: k for k, c in enumerate(target_codes)}
    targets = np.full((len(mentees), 3), -1, dtype=np.int64)
    for i, s in enumerate(mentees):
        targets[i, : len(s.target_rome)] = [code_row[c] for c in s.target_rome]

    keys = sorted({(t.rome or "", t.naf_sector or "") for t in mentors})
    key_col = {k: c for c, k in enumerate(keys)}
    occ_key = np.fromiter((key_col[(t.rome or "", t.naf_sector or "")] for t in mentors), dtype=np.int64)

    def column(values: Iterable[str]) -> NDArray[np.str_]:
        return np.array(list(values), dtype="<U5").reshape(-1)

    tc = column(target_codes) if target_codes else np.zeros(0, dtype="<U5")
    kc = column(k[0] for k in keys) if keys else np.zeros(0, dtype="<U5")
    has_code = kc != ""
    tcol, kcol = tc[:, None], kc[None, :]
    levels = OCCUPATION_LEVELS
    table = np.zeros((len(tc) + 1, len(kc)), dtype=np.float32)
    body = table[:-1]
    body[...] = np.where(
        (tcol == kcol) & has_code,
        levels["same_code"],
        np.where(
            (_prefix(tc, 3)[:, None] == _prefix(kc, 3)[None, :]) & has_code,
            levels["same_family"],
            np.where((_prefix(tc, 1)[:, None] == _prefix(kc, 1)[None, :]) & has_code, levels["same_domain"], 0.0),
        ),
    )
    # Row s of `member` flags the target codes that NAF sector s lists; the last row is
    # for mentors without a (known) sector.
    sectors = sorted(sector_codes)
    sector_row = {sector: k for k, sector in enumerate(sectors)}
    member = np.zeros((len(sectors) + 1, len(target_codes)), dtype=bool)
    for sector, codes in sector_codes.items():
        rows = [code_row[c] for c in codes if c in code_row]
        member[sector_row[sector], rows] = True
    key_sector = np.fromiter((sector_row.get(k[1], len(sectors)) for k in keys), dtype=np.int64, count=len(keys))
    related = member[key_sector].T  # (target codes, mentor keys)
    body[related] = np.maximum(body[related], levels["related_sector"])
    return targets, occ_key, table


def _prefix(codes: NDArray[np.str_], width: int) -> NDArray[np.str_]:
    return codes.astype(f"<U{width}")
