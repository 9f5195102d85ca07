"""From uploaded bytes to a table of text cells: CSV (UTF-8, UTF-8 with BOM, Windows-1252; comma,
semicolon or tab), or a workbook (XLSX, XLS, ODS: importing/workbook.py, with python-calamine).
Anything else is refused with a plain reason, never a crash.

A file is a hostile input as much as a spreadsheet: its size, and for an XLSX the sizes its zip
declares once unpacked, its number of entries and its compression ratio, are checked before any
parsing (`check_limits`), and the readers stop at the first row or cell past the caps, blank rows
counted, so a zip bomb or two million empty lines is refused in milliseconds. The caps are
settings (`IMPORT_MAX_*`, see config/settings.py and docs/security-notes/import.md).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

MAX_CELL = 10_000  # characters; longer cells are reported on their row, not read whole

Cell = str | datetime.date | datetime.datetime | int | float | None

MB = 1024 * 1024


class UnreadableFile(Exception):
    """The file as a whole can't be read; the message says why in plain words."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the uploaded file
    max_rows: int  # every row the file holds, the header and blank rows included
    max_cells: int  # every cell read, empty ones included
    max_columns: int  # the rightmost column holding a value
    max_unzipped_bytes: int  # XLSX: the sum of the sizes the zip declares once unpacked
    max_zip_entries: int  # XLSX: files inside the zip
    max_zip_ratio: int  # XLSX: unpacked size / packed size of any one entry


def limits() -> Limits:
    return Limits(
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_cells=settings.IMPORT_MAX_CELLS,
        max_columns=settings.IMPORT_MAX_COLUMNS,
        max_unzipped_bytes=settings.IMPORT_MAX_UNZIPPED_BYTES,
        max_zip_entries=settings.IMPORT_MAX_ZIP_ENTRIES,
        max_zip_ratio=settings.IMPORT_MAX_ZIP_RATIO,
    )


def too_large_message(max_bytes: int) -> str:
    return _("The file is larger than %(mb)s MB: split it.") % {"mb": _megabytes(max_bytes)}


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f}" if size >= MB else f"{size / MB:.2f}"


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (line number as the spreadsheet shows it, cells)
    warnings: list[str] = field(default_factory=list)


class _Counter:
    """Counts rows (blank ones too) and cells as a reader goes, and stops it at the first one over a cap."""

    def __init__(self, cap: Limits) -> None:
        self.cap = cap
        self.rows = 0
        self.cells = 0

    def row(self, line: int, width: int) -> None:
        self.rows += 1
        self.cells += width
        if self.rows > self.cap.max_rows or line > self.cap.max_rows:
            raise UnreadableFile(
                _("The file has more than %(max)d rows (empty rows count too): split it or remove the empty rows.")
                % {"max": self.cap.max_rows}
            )
        if self.cells > self.cap.max_cells:
            raise UnreadableFile(
                _("The file has more than %(max)d cells (empty cells count too): split it or remove unused columns.")
                % {"max": self.cap.max_cells}
            )

    def column(self, index: int) -> None:
        if index >= self.cap.max_columns:
            raise UnreadableFile(
                _("The file has a value beyond column %(max)d: remove the unused columns.")
                % {"max": self.cap.max_columns}
            )


def _is_blank(cells: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def decode(data: bytes) -> str:
    """The file's text. A NUL inside the text is kept: the checks report it on its line and column
    (binome/sourcing/importing/cells.py), so it can never reach the database."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                _("The file's characters can't be read: save it as CSV UTF-8 or as XLSX (Excel).")
            ) from error
    sample = data[:4096]
    if sample.count(b"\x00") * 10 > len(sample):  # UTF-16 or a binary file: not a CSV at all
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


def read_csv(data: bytes, cap: Limits | None = None) -> Table:
    cap = cap or limits()
    text = decode(data)
    if not text.strip():
        raise UnreadableFile(_("The file is empty."))
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    counter = _Counter(cap)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    previous_end = 0
    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            # Every record counts, blank ones too: two million empty lines stop at the cap.
            counter.row(previous_end, len(record))
            if len(record) > cap.max_columns:
                last = max((i for i, value in enumerate(record) if value.strip()), default=-1)
                counter.column(last)
                record = record[: cap.max_columns]
            if _is_blank(list(record)):
                continue
            if headers is None:
                headers = [h.strip() for h in record]
                continue
            rows.append((line, list(record)))
    except csv.Error as error:
        raise UnreadableFile(
            _("Line %(line)d can't be read as CSV (a cell too long or a stray quote).") % {"line": previous_end + 1}
        ) from error
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    return Table(headers=headers, rows=rows)


def check_zip(data: bytes, cap: Limits) -> zipfile.ZipFile:
    """The XLSX's zip, once its declared sizes are known to be safe: nothing is unpacked here.

    Python's zipfile never unpacks more than an entry declares, so checking the declarations
    bounds what the reader can be made to read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise UnreadableFile(_("This Excel file can't be opened: is it damaged or protected?")) from error
    refused = _("This Excel file is too large once unpacked (more than %(mb)s MB): split it.") % {
        "mb": _megabytes(cap.max_unzipped_bytes)
    }
    if len(entries) > cap.max_zip_entries:
        raise UnreadableFile(
            _("This Excel file holds more than %(max)d parts: save it again as a plain .xlsx.")
            % {"max": cap.max_zip_entries}
        )
    if sum(entry.file_size for entry in entries) > cap.max_unzipped_bytes:
        raise UnreadableFile(refused)
    for entry in entries:
        # Spreadsheet XML compresses about 10 to 1; a zip bomb, thousands to 1.
        if entry.file_size > MB and entry.file_size > cap.max_zip_ratio * max(entry.compress_size, 1):
            raise UnreadableFile(refused)
    return archive


def read_workbook(data: bytes, cap: Limits | None = None) -> Table:
    """The first sheet of an XLSX or ODS (a zip, checked first) or of an XLS (an OLE2 file)."""
    from binome.sourcing.importing import workbook

    cap = cap or limits()
    archive = check_zip(data, cap) if data[:4] == ZIP_MAGIC else None
    # No second reader behind this one: a file it refuses is refused, with a reason.
    return _table(workbook.iter_rows(data, archive, cap))


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
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    return Table(headers=headers, rows=table)


def check_limits(data: bytes, filename: str, cap: Limits | None = None) -> None:
    """What can be refused without parsing: the size, the kind, and an XLSX's zip declarations."""
    cap = cap or limits()
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if len(data) > cap.max_bytes:
        raise UnreadableFile(too_large_message(cap.max_bytes))
    name = filename.lower()
    if _is_workbook(data, name):
        if name.endswith(".xls") and data[:4] != OLE_MAGIC[:4] and data[:4] != ZIP_MAGIC:
            raise UnreadableFile(_("This Excel file can't be opened: is it damaged or protected?"))
        if name.endswith(ZIP_EXTENSIONS) and data[:4] != ZIP_MAGIC:
            raise UnreadableFile(_("This Excel file can't be opened: is it damaged or protected?"))
        if data[:4] == ZIP_MAGIC:
            check_zip(data, cap)


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls (Excel 97-2003) file
ZIP_EXTENSIONS = (".xlsx", ".xlsm", ".ods")


def _is_workbook(data: bytes, name: str) -> bool:
    return name.endswith((*ZIP_EXTENSIONS, ".xls")) or data[:4] == ZIP_MAGIC or data[:8] == OLE_MAGIC


def read_table(data: bytes, filename: str) -> Table:
    """Read an uploaded file; the extension decides, and the content is checked against it."""
    cap = limits()
    check_limits(data, filename, cap)
    if _is_workbook(data, filename.lower()):
        return read_workbook(data, cap)
    return read_csv(data, cap)
