"""From uploaded bytes to a table of text cells: CSV (UTF-8, UTF-8 with BOM, Windows-1252; comma,
semicolon or tab) or XLSX. Anything else is refused with a plain reason, never a crash."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CELL = 10_000  # characters; longer cells are reported on their row, not read whole

Cell = str | datetime.date | datetime.datetime | int | float | None


class UnreadableFile(Exception):
    """The file as a whole can't be read; the message says why in plain words."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (line number as the spreadsheet shows it, cells)
    warnings: list[str] = field(default_factory=list)


def _is_blank(cells: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("This is not a spreadsheet: save it as CSV or XLSX (Excel)."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what French Excel writes when saving "CSV (séparateur: point-virgule)"
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _("The file's characters can't be read: save it as CSV UTF-8 or as XLSX (Excel).")
        ) from error


def sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes) -> Table:
    try:
        text = decode(data)
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file's characters can't be read: save it as CSV UTF-8 or as XLSX.")) from error
    if not text.strip():
        raise UnreadableFile(_("The file is empty."))
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    headers: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    previous_end = 0
    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if headers is None:
                if _is_blank(list(record)):
                    continue
                headers = [h.strip() for h in record]
                continue
            if _is_blank(list(record)):
                continue
            rows.append((line, list(record)))
            if len(rows) > MAX_ROWS:
                raise UnreadableFile(_("The file has more than %(max)d rows: split it.") % {"max": MAX_ROWS})
    except csv.Error as error:
        raise UnreadableFile(
            _("Line %(line)d can't be read as CSV (a cell too long or a stray quote).") % {"line": previous_end + 1}
        ) from error
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    return Table(headers=headers, rows=rows)


def read_xlsx(data: bytes) -> Table:
    from binome.sourcing.importing import xlsx

    try:
        return _table(xlsx.iter_rows(data))
    except UnreadableFile:
        raise
    except Exception:  # an XLSX written by an unusual tool: let openpyxl try
        return read_xlsx_with_openpyxl(data)


def _table(rows: Iterator[tuple[int, list[Cell]]]) -> Table:
    headers: list[str] | None = None
    table: list[tuple[int, list[Cell]]] = []
    for line, cells in rows:
        if _is_blank(cells):
            continue
        if headers is None:
            headers = ["" if c is None else str(c).strip() for c in cells]
            continue
        table.append((line, cells))
        if len(table) > MAX_ROWS:
            raise UnreadableFile(_("The file has more than %(max)d rows: split it.") % {"max": MAX_ROWS})
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    return Table(headers=headers, rows=table)


def read_xlsx_with_openpyxl(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise UnreadableFile(_("This Excel file can't be opened: is it damaged or protected?")) from error
    try:
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        rows: list[tuple[int, list[Cell]]] = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells: list[Cell] = [
                v if v is None or isinstance(v, (str, int, float, datetime.date)) else str(v) for v in values
            ]
            if _is_blank(cells):
                continue
            if headers is None:
                headers = ["" if c is None else str(c).strip() for c in cells]
                continue
            rows.append((line, cells))
            if len(rows) > MAX_ROWS:
                raise UnreadableFile(_("The file has more than %(max)d rows: split it.") % {"max": MAX_ROWS})
    except UnreadableFile:
        raise
    except Exception as error:
        raise UnreadableFile(_("This Excel file can't be read: is it damaged?")) from error
    finally:
        workbook.close()
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    return Table(headers=headers, rows=rows)


def read_table(data: bytes, filename: str) -> Table:
    """Read an uploaded file; the extension decides, and the content is checked against it."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than %(mb)d MB: split it.") % {"mb": MAX_BYTES // (1024 * 1024)})
    name = filename.lower()
    if name.endswith(".xls"):
        raise UnreadableFile(_("Old Excel files (.xls) aren't read: save it as .xlsx or as CSV."))
    looks_zipped = data[:4] == b"PK\x03\x04"
    if name.endswith((".xlsx", ".xlsm")) or looks_zipped:
        if not looks_zipped or not zipfile.is_zipfile(io.BytesIO(data)):
            raise UnreadableFile(_("This Excel file can't be opened: is it damaged or protected?"))
        return read_xlsx(data)
    return read_csv(data)
