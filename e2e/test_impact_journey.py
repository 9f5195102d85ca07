"""The Paris coordinator opens the impact figures of the completed cohort, follows a number to the
people it counts, and downloads the cohort's PDF report; its first page, rendered as an image,
shows the funnel chart. The Lyon coordinator cannot fetch that report."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdfium2
from pypdf import PdfReader

from binome.operations.demo.seed_impact import _completed_cohort

from .test_coordinator_journey import sign_in

FUNNEL_BLUE = (0x2F, 0x6F, 0x9F)


def test_the_coordinator_downloads_the_cohort_report(demo: None, browser: Any, live_server: Any) -> None:
    cohort = _completed_cohort()
    assert cohort is not None
    page = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    page.set_default_timeout(30_000)
    sign_in(page, "coord.paris@demo.binome.fr")
    page.wait_for_url(re.compile(r"/staff/"))
    page.goto(f"/staff/impact/?cohort={cohort.pk}")
    assert page.locator("svg.impact-chart").count() >= 1
    table = page.locator("table.impact-figures")
    assert "Opportunité professionnelle concrète" in table.inner_text() or "opportunity" in table.inner_text()

    # From the denominator of the first figure to the people it counts.
    page.locator("table.impact-figures tbody tr").first.locator("td a").nth(1).click()
    page.wait_for_url(re.compile(r"/staff/impact/people/"))
    assert page.locator("tbody tr td a").count() >= 5
    page.go_back()

    with page.expect_download() as download:
        page.locator(f"a[href='/staff/impact/cohort/{cohort.pk}/report.pdf']").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert cohort.name in text

    # The first page as an image: A4 portrait, mostly white, with the funnel's blue bars on it.
    first = pypdfium2.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("RGB")
    width, height = first.size
    assert 1.35 < height / width < 1.48
    pixels = list(first.get_flattened_data())
    blue = sum(
        1
        for r, g, b in pixels
        if abs(r - FUNNEL_BLUE[0]) < 12 and abs(g - FUNNEL_BLUE[1]) < 12 and abs(b - FUNNEL_BLUE[2]) < 12
    )
    white = sum(1 for px in pixels if px == (255, 255, 255))
    assert blue > 500
    assert white > len(pixels) // 2

    # Lyon's coordinator cannot fetch Paris's report.
    lyon = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    sign_in(lyon, "coord.lyon@demo.binome.fr")
    lyon.wait_for_url(re.compile(r"/staff/"))
    assert lyon.request.get(f"/staff/impact/cohort/{cohort.pk}/report.pdf").status == 404
