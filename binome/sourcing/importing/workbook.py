"""The reader for the first sheet of an XLSX, XLS or ODS workbook, with python-calamine.

calamine (Rust) reads the values the way the workbook stores them, the 1904 date system of old
Mac Excel files included (a date of birth keeps its day), and is several times faster than
openpyxl. It builds the sheet as a dense rectangle, though: a file of a few kilobytes holding
one cell in A1 and one in XFD1048576 asks it for hundreds of gigabytes, and the process
aborts. So before calamine runs, the sheet's extent is measured from the XML itself
(`_xlsx_extent`, `_ods_extent`), streamed, and refused past the caps (IMPORT_MAX_ROWS,
IMPORT_MAX_COLUMNS, IMPORT_MAX_CELLS). An XLS file (BIFF, no zip) is at most 65,536 × 256
cells, and its size is capped like every upload.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from binome.sourcing.importing.reading import Cell, Limits, UnreadableFile, _Counter

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
# The references of rows and cells: <row r="12">, <c r="AB12"> (any element's r="…" counts: stricter).
ROW_NUMBERS = re.compile(rb'\sr="[A-Z]{0,3}(\d{1,7})"')
CELL_COLUMNS = re.compile(rb'\sr="([A-Z]{1,3})\d')
CHUNK = 1024 * 1024


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    if sheet is None:
        raise ValueError("no sheet")
    rel_id = sheet.get(f"{DOC_REL}id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise ValueError("sheet not found")


def _xlsx_extent(archive: zipfile.ZipFile, cap: Limits) -> tuple[int, int]:
    """(last row, last column), 1-based, that any row or cell reference of the first sheet names;
    the scan stops as soon as one is past its cap."""
    rows = columns = 0
    tail = b""
    with archive.open(_first_sheet_path(archive)) as stream:
        while chunk := stream.read(CHUNK):
            text = tail + chunk
            # Distinct values first (at C speed): a 5,000-row sheet has 100,000 references, not as many numbers.
            rows = max(rows, max(map(int, set(ROW_NUMBERS.findall(text))), default=0))
            columns = max(columns, max(map(_column_index, set(CELL_COLUMNS.findall(text))), default=-1) + 1)
            if rows > cap.max_rows or columns > cap.max_columns:
                break
            tail = text[-256:]  # a reference cut in two by the chunk boundary is found whole next time
    return rows, columns


def _repeat(element: Any, name: str) -> int:
    try:
        return max(1, int(element.get(f"{TABLE}{name}", "1")))
    except ValueError:
        return 1


def _ods_extent(archive: zipfile.ZipFile) -> tuple[int, int]:
    """(last row, last column) holding a value in the first table of an ODS file, repeats counted:
    trailing empty rows repeated a million times (LibreOffice writes them) count for nothing."""
    rows = columns = line = 0
    with archive.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("end",)):
            del event
            if element.tag == f"{TABLE}table-row":
                repeat = _repeat(element, "number-rows-repeated")
                position = last = 0
                for cell in element:
                    width = _repeat(cell, "number-columns-repeated")
                    if cell.get(f"{OFFICE}value-type") or len(cell):
                        last = position + width
                    position += width
                if last:
                    rows, columns = line + repeat, max(columns, last)
                line += repeat
                element.clear()
            elif element.tag == f"{TABLE}table":
                break  # the first table only
    return rows, columns


def _check_extent(rows: int, columns: int, cap: Limits) -> None:
    counter = _Counter(cap)
    if columns:
        counter.column(columns - 1)
    if rows > cap.max_rows:
        counter.row(rows, 0)
    if rows * columns > cap.max_cells:
        counter.row(1, rows * columns)


def _plain(value: Any) -> Cell:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (str, int, float, datetime.date)):
        return value  # datetime.datetime is a date too
    return str(value)  # a time of day or a duration: shown as written


def iter_rows(data: bytes, archive: zipfile.ZipFile | None, cap: Limits) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, values) for every row of the first sheet; refuses the file past the caps."""
    from python_calamine import CalamineWorkbook

    try:
        if archive is not None:
            is_ods = "content.xml" in archive.namelist() and "xl/workbook.xml" not in archive.namelist()
            _check_extent(*(_ods_extent(archive) if is_ods else _xlsx_extent(archive, cap)), cap)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        if archive is None and sheet.end is not None:  # XLS: known once read, within 65,536 × 256 cells
            _check_extent(sheet.end[0] + 1, sheet.end[1] + 1, cap)
        values = sheet.to_python(skip_empty_area=False)
    except UnreadableFile:
        raise
    except Exception as error:  # calamine's own (a password, a damaged zip or XML), defusedxml's, a missing part
        raise UnreadableFile(_("This spreadsheet can't be read: is it damaged or protected? Save it again.")) from error
    counter = _Counter(cap)
    for index, row in enumerate(values):
        cells = [_plain(value) for value in row]
        while cells and cells[-1] is None:
            cells.pop()
        counter.row(index + 1, len(cells))
        yield index + 1, cells
