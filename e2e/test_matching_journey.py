"""The Paris coordinator matches the demo's autumn cohort: run, forbid one duo, re-run, confirm."""

from __future__ import annotations

import re
from typing import Any

from binome.pairing.models import Duo, MatchRun

from .test_coordinator_journey import sign_in


def test_the_paris_coordinator_runs_forbids_reruns_and_confirms(demo: None, page: Any, tmp_path: Any) -> None:
    sign_in(page, "coord.paris@demo.binome.fr")
    page.wait_for_url(re.compile(r"/staff/territories/paris/$"))

    page.goto("/staff/matching/")
    page.locator("tr", has_text="Paris automne").locator("a").click()
    page.wait_for_url(re.compile(r"/staff/matching/cohorts/\d+/$"))

    # First run, in place.
    page.locator("#run-matching").click()
    rows = page.locator("table.proposals tbody tr[id^=proposal-]")
    rows.first.wait_for()
    proposed = rows.count()
    assert proposed > 10
    first = MatchRun.objects.get(cohort__name="Paris automne", number=1)
    assert first.proposals.count() == proposed
    assert page.locator("table.proposals meter").count() == proposed * 6

    # Forbid the first duo on the board.
    row = rows.first
    row_id = row.get_attribute("id")
    assert row_id is not None
    forbidden = first.proposals.get(pk=int(row_id.removeprefix("proposal-")))
    row.locator("[data-action=forbid]").click()
    page.locator(f"#{row_id}.decision-rejected").wait_for()

    # Re-run: the forbidden pair is not proposed again, the page updates in place.
    page.locator("#board details summary").click()
    page.locator("#run-matching").click()
    page.locator(".runs a[aria-current=page]", has_text="#2").wait_for()
    second = MatchRun.objects.get(cohort__name="Paris automne", number=2)
    assert [forbidden.mentee_id, forbidden.mentor_id] in second.forbids
    assert not second.proposals.filter(mentee_id=forbidden.mentee_id, mentor_id=forbidden.mentor_id).exists()
    page.screenshot(path=str(tmp_path / "matching-board.png"), full_page=True)

    # Forcing an infeasible pair (a mentor still in training): htmx swaps the refusal in place.
    untrained = next(row["id"] for row in second.inputs["mentors"] if not row["trained"])
    page.select_option("#id_mentee", str(second.inputs["mentees"][0]["id"]))
    page.select_option("#id_mentor", str(untrained))
    page.get_by_role("button", name="Imposer", exact=True).click()
    page.locator("#error-summary").wait_for()
    assert page.locator("#error-summary li").count() >= 1  # the reason, e.g. "n'a pas suivi la formation"
    second.refresh_from_db()
    assert second.pins == []

    # Confirm: the page asks once, with the count and the emails; then duos exist, the board says so.
    page.locator("#confirm-run").click()
    page.wait_for_url(re.compile(r"/staff/matching/runs/\d+/confirm/$"))
    count = second.proposals.exclude(decision="rejected").count()
    assert page.locator("#confirm-question").inner_text() == f"Confirmer {count} binômes ?"
    assert page.locator("#confirm-emails").inner_text().startswith("Un email sera envoyé à ")
    assert not Duo.objects.filter(cohort__name="Paris automne").exists()
    page.screenshot(path=str(tmp_path / "matching-confirm.png"))
    page.locator("#confirm-run-final").click()
    page.locator("#run-confirmed").wait_for()
    second.refresh_from_db()
    assert second.status == MatchRun.Status.CONFIRMED
    duos = Duo.objects.filter(cohort__name="Paris automne")
    assert duos.count() == second.proposals.count()
    assert not duos.filter(mentee_id=forbidden.mentee_id, mentor_id=forbidden.mentor_id).exists()
    assert page.locator("#confirm-run").count() == 0
