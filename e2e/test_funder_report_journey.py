"""The national admin issues the last quarter's report for funders from the issuing page; a funder
signs in, opens it (a small cell shows as hidden, with its note, all in French) and downloads the
PDF, which is the file stored when it was issued. The quarter then has no button any more."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.utils import timezone

from binome.impact import periods
from binome.impact.models import PublishedReport

from .test_coordinator_journey import sign_in

SCREENSHOT = Path("/tmp/binome-e2e/funder-report.png")
ENGLISH = ["hidden", "Report no.", "Issued on", "Download", "Figure", "Numerator", "Unknown", "issued"]


def test_a_funder_downloads_the_issued_quarter_report(demo: None, browser: Any, live_server: Any) -> None:
    quarter = periods.recent(timezone.localdate(), quarters=1, years=0)[0]
    staff = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    staff.set_default_timeout(60_000)
    sign_in(staff, "admin@demo.binome.fr")
    staff.wait_for_url(re.compile(r"/staff/"))
    staff.goto("/staff/impact/")
    staff.get_by_role("link", name="Rapports aux financeurs et aux entreprises").click()
    funders = staff.locator("#issuing-funders")
    funders.get_by_role("button", name=f"Émettre le rapport de {quarter.label}").click()
    assert staff.get_by_text("Rapport n° 1 émis.").is_visible()
    assert funders.get_by_text("N° 1, émis le").is_visible()
    report = PublishedReport.objects.get(kind="funder")
    assert (report.period_start, report.period_end) == (quarter.start, quarter.end)

    funder = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    funder.set_default_timeout(30_000)
    sign_in(funder, "funder@demo.binome.fr")
    funder.wait_for_url(re.compile(r"/funder/"))
    funder.get_by_role("link", name=quarter.label).click()
    funder.wait_for_url(re.compile(rf"/funder/reports/{report.pk}/$"))
    figures = funder.locator("table.impact-figures")
    assert figures.get_by_text("masqué").first.is_visible()
    note = funder.locator("#hidden-note")
    assert note.is_visible()
    assert "« masqué »" in note.inner_text()
    body = funder.locator("main").inner_text()
    for word in ENGLISH:
        assert word not in body, word
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    funder.screenshot(path=str(SCREENSHOT), full_page=True)

    with funder.expect_download() as download:
        funder.get_by_role("link", name="Télécharger le rapport (PDF)").click()
    assert download.value.path().read_bytes() == bytes(report.pdf)

    # Once issued, the quarter has no button any more (a replayed form is refused: test_snapshots).
    staff.reload()
    assert funders.get_by_role("button", name=f"Émettre le rapport de {quarter.label}").count() == 0
    assert PublishedReport.objects.filter(kind="funder").count() == 1
