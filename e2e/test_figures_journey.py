"""The Paris coordinator reads the opportunity figure of the completed cohort with its response
rate and bounds, follows its numerator to the cases it counts (the same count, one line per
person in a cohort), and downloads the cohort's XLSX from the page: the same numbers again.
The French pages carry no English."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook

from binome.operations.demo.seed_impact import _completed_cohort

from .test_coordinator_journey import sign_in

ENGLISH = ["Response rate", "Bounds", "Counted:", "Out of:", "Unit:", "Rules used", "Cases counted", "unknown as"]


def _no_english(text: str) -> None:
    for words in ENGLISH:
        assert words not in text, words


def test_the_coordinator_reads_a_figure_its_cases_and_its_spreadsheet(demo: None, page: Any) -> None:
    cohort = _completed_cohort()
    assert cohort is not None
    sign_in(page, "coord.paris@demo.binome.fr")
    page.wait_for_url(re.compile(r"/staff/"))
    page.goto("/staff/impact/")
    page.select_option("#id_cohort", str(cohort.pk))
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(rf"cohort={cohort.pk}"))

    row = page.locator('tr[data-kpi="opportunity"]')
    row.wait_for()
    assert "Opportunité professionnelle concrète" in row.inner_text()
    numerator = row.locator('[data-part="numerator"]').inner_text().strip()
    denominator = row.locator('[data-part="denominator"]').inner_text().strip()
    unknown = row.locator('[data-part="unknown"]').inner_text().strip()
    response = row.locator('[data-part="response_rate"]').inner_text().strip()
    bounds = row.locator('[data-part="bounds"]').inner_text().strip()
    n, d, u = int(numerator), int(denominator), int(unknown)
    assert response == f"{round(100 * (d - u) / d)} %"
    assert bounds == f"{round(100 * n / d)}–{round(100 * (n + u) / d)} %"
    body = page.locator("main").inner_text()
    assert "Taux de réponse" in body
    assert "Règles appliquées" in body
    _no_english(body)
    page.screenshot(path="/tmp/figures-journey-dashboard.png", full_page=True)

    row.locator('[data-part="numerator"] a').click()
    page.wait_for_url(re.compile(r"/staff/impact/people/"))
    assert page.locator('[data-count="opportunity-numerator"]').inner_text().strip() == numerator
    assert page.locator("tr[data-case]").count() == n
    assert cohort.name in page.locator("table").inner_text()
    _no_english(page.locator("main").inner_text())
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="Rapport de la cohorte (XLSX)").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(workbook["Chiffres"].iter_rows())
    header = [cell.value for cell in rows[3]]
    line = next(r for r in rows if r[0].value and str(r[0].value).startswith("Opportunité professionnelle concrète"))
    cells = dict(zip(header, line, strict=False))
    values = {name: cell.value for name, cell in cells.items()}
    assert [values["Numérateur"], values["Dénominateur"], values["Inconnu"]] == [n, d, u]
    # A rate is a number the spreadsheet formats as a percentage, the page's rounding of it.
    rate = cells["Taux de réponse"]
    assert "%" in rate.number_format
    assert f"{round(100 * rate.value)} %" == response
    low, high = cells["Bornes : inconnu compté non"], cells["Bornes : inconnu compté oui"]
    assert "%" in low.number_format
    assert "%" in high.number_format
    assert f"{round(100 * low.value)}–{round(100 * high.value)} %" == bounds
