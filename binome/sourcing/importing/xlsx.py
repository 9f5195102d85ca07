"""The reader for the first sheet of an XLSX file: values only, streamed with iterparse.

openpyxl builds a cell object per value and reads a 10,000-row sheet in seconds; this reads
the same XML directly (shared strings, inline strings, numbers, booleans, dates from the cell
style) several times faster. It is the only reader: anything unexpected is refused with a plain
reason (UnreadableFile), never handed to a second parser. The zip's declared sizes are checked
before it runs (reading.check_zip); here every row element (blank ones too) and every cell counts
toward the caps, and the XML parser refuses DTDs and entities (defusedxml).
"""

from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, ElementTree
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from binome.sourcing.importing.reading import Cell, UnreadableFile

if TYPE_CHECKING:
    from binome.sourcing.importing.reading import _Counter

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _text(element: Element) -> str:
    """The text of a shared or inline string, rich-text runs included, phonetic hints excluded."""
    plain = element.find(f"{MAIN}t")
    if plain is not None:
        return plain.text or ""
    return "".join(run.text or "" for run in element.iter(f"{MAIN}t") if run is not None)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
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


def _shared_strings(archive: zipfile.ZipFile, counter: _Counter) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag == f"{MAIN}si":
                strings.append(_text(element))
                element.clear()
                if len(strings) > counter.cap.max_cells:  # more strings than cells: nothing to read here
                    raise UnreadableFile(
                        _("The file has more than %(max)d cells: split it.") % {"max": counter.cap.max_cells}
                    )
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles whose number format is a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    formats = {int(k): v for k, v in BUILTIN_FORMATS.items()}
    for number_format in styles.iter(f"{MAIN}numFmt"):
        formats[int(number_format.get("numFmtId", "0"))] = number_format.get("formatCode", "")
    cell_xfs = styles.find(f"{MAIN}cellXfs")
    if cell_xfs is None:
        return set()
    dates = set()
    for index, xf in enumerate(cell_xfs.iter(f"{MAIN}xf")):
        format_id = int(xf.get("numFmtId", "0"))
        code = formats.get(format_id, "")
        if (14 <= format_id <= 22) or (code and is_date_format(code)):
            dates.add(index)
    return dates


def _value(cell: Element, strings: list[str], date_styles: set[int]) -> Cell:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{MAIN}is")
        return _text(inline) if inline is not None else None
    raw = cell.findtext(f"{MAIN}v")
    if not raw:
        return None  # no value, or a formula never calculated (an empty <v/>)
    if kind == "s":
        return strings[int(raw)]
    if kind in {"str", "e"}:
        return raw
    if kind == "b":
        return raw == "1"
    if kind == "d":
        return datetime.datetime.fromisoformat(raw)
    number = float(raw)
    if int(cell.get("s", "0")) in date_styles and 0 < number < 2_958_466:
        return EXCEL_EPOCH + datetime.timedelta(days=number)
    return int(number) if number.is_integer() else number


def iter_rows(archive: zipfile.ZipFile, counter: _Counter) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, values) for every row of the first sheet; refuses the file past the caps."""
    try:
        sheet_path = _first_sheet_path(archive)
        strings = _shared_strings(archive, counter)
        date_styles = _date_styles(archive)
        with archive.open(sheet_path) as stream:
            yield from _rows(stream, strings, date_styles, counter)
    except UnreadableFile:
        raise
    except (DefusedXmlException, ParseError, KeyError, ValueError, IndexError, zipfile.BadZipFile, OSError) as error:
        # KeyError: a part the workbook names is missing; IndexError: a shared string that does not exist.
        raise UnreadableFile(_("This Excel file can't be read: is it damaged? Save it again from Excel.")) from error


def _rows(
    stream: IO[bytes], strings: list[str], date_styles: set[int], counter: _Counter
) -> Iterator[tuple[int, list[Cell]]]:
    next_row = 1
    for _event, element in ElementTree.iterparse(stream):
        if element.tag != f"{MAIN}row":
            continue
        number = int(element.get("r") or next_row)
        next_row = number + 1
        cells = element.findall(f"{MAIN}c")
        counter.row(number, len(cells))  # blank rows count: two million of them stop at the cap
        values: list[Cell] = []
        for position, cell in enumerate(cells):
            value = _value(cell, strings, date_styles)
            if value is None:
                continue  # a styled empty cell far to the right widens nothing
            reference = CELL_REF.match(cell.get("r", ""))
            index = _column_index(reference.group(1)) if reference else position
            counter.column(index)
            if index >= len(values):
                values.extend([None] * (index - len(values) + 1))
            values[index] = value
        element.clear()
        yield number, values
