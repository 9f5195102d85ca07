"""The template partners fill in: the columns with one example row (CSV or XLSX).

The XLSX template has a second sheet describing every column and the headers accepted in
French and English; the importer reads the first sheet only.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from binome.lib import spreadsheets
from binome.sourcing.importing.columns import COLUMNS


def template_bytes(kind: str) -> bytes:
    """`kind` is "csv" (UTF-8 with BOM, semicolons: what French Excel opens cleanly) or "xlsx"."""
    headers = [column.headers[0] for column in COLUMNS]
    example = [column.example for column in COLUMNS]
    if kind == "csv":
        buffer = io.StringIO(newline="")
        writer = spreadsheets.csv_writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerow(example)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if kind != "xlsx":
        raise ValueError(kind)
    from openpyxl.styles import Font

    workbook = spreadsheets.workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Referrals")[:31]
    sheet.append(headers)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = max(
            14, len(column.headers[0]) + 4
        )
    # Keep every cell as text so Excel neither drops a phone's leading zero nor reformats the dates.
    for row in sheet.iter_rows(min_row=2, max_row=200, max_col=len(COLUMNS)):
        for cell in row:
            cell.number_format = "@"
    notes = workbook.create_sheet(_("Columns")[:31])
    notes.append([_("Column"), _("Required"), _("What to write"), _("Headers accepted (French or English)")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append(
            [
                column.headers[0],
                _("yes") if column.required else _("no"),
                str(column.help),
                ", ".join((*column.headers, column.key)),
            ]
        )
    for letter, width in zip("ABCD", (24, 10, 70, 70), strict=True):
        notes.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
