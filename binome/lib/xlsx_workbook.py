"""The openpyxl side of binome.lib.spreadsheets: a workbook whose sheets only hold safe cells.

Apart so that importing binome.lib.spreadsheets (for its CSV writer and cell rules) does not load
openpyxl, and with it numpy, in every web worker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from binome.lib.spreadsheets import Formatted, safe_cell, safe_row


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
