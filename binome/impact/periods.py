"""The periods a report for an outside audience covers: calendar quarters and years, issued once
they are over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

QUARTER, YEAR = "quarter", "year"


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # last day, included

    @property
    def label(self) -> str:
        if self.kind == YEAR:
            return str(self.start.year)
        return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}

    def ended(self, today: date) -> bool:
        return self.end < today


def of(kind: str, start: date) -> Period:
    """The quarter or year starting on `start`; ValueError if no such period starts that day."""
    if kind == YEAR and (start.month, start.day) == (1, 1):
        return Period(YEAR, start, date(start.year, 12, 31))
    if kind == QUARTER and start.day == 1 and start.month in (1, 4, 7, 10):
        following = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        return Period(QUARTER, start, following - timedelta(days=1))
    raise ValueError("not the first day of a quarter or a year")


def recent(today: date, *, quarters: int = 4, years: int = 2) -> list[Period]:
    """The last closed quarters and years, most recent first."""
    found = []
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    for _i in range(quarters):
        start = date(start.year - (start.month == 1), (start.month - 4) % 12 + 1, 1)
        found.append(of(QUARTER, start))
    found += [of(YEAR, date(today.year - n, 1, 1)) for n in range(1, years + 1)]
    return found
