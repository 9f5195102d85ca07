"""Authorization policies of the impact pages (binome/portals/urls/impact.py).

Own records are Paris's (Chloé's outcome, the Paris cohort and its report); foreign ones are
Lyon's. Company contacts open only their own company's results; funders only aggregates."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Any

from binome.portals.tests.policy_kit import (
    LOGIN,
    STAFF_OBJECT_FOREIGN,
    STAFF_POST_ONLY,
    STAFF_SECTION,
    Policy,
    expect,
)
from conftest import Cast


def outcome(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    from binome.impact.models import Outcome

    mentee = cast.leila if lyon else cast.chloe
    found, _created = Outcome.objects.get_or_create(
        person=mentee.person, kind="cdd", date=date(2026, 8, 1), defaults={"source": "staff"}
    )
    return {"pk": found.pk}


def cohort_report(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    duo = cast.lyon_duo if lyon else cast.paris_duo
    return {"kind": "cohort", "pk": duo.cohort_id, "fmt": "xlsx"}


def report(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    from binome.impact.models import Report

    territory = cast.lyon if lyon else cast.paris
    with tempfile.NamedTemporaryFile("wb", suffix=".xlsx", delete=False) as handle:
        handle.write(b"matrix")
    found, _created = Report.objects.get_or_create(
        kind="territory",
        format="xlsx",
        target_id=territory.pk,
        territory=territory,
        defaults={"status": "ready", "progress": 100, "file": handle.name},
    )
    return {"pk": found.pk}


def snapshot(cast: Cast, *, company: Any = None, fmt: str | None = None) -> dict[str, Any]:
    """An issued report (funders' when `company` is None), with a minimal set of published cells."""
    from binome.impact.models import PublishedReport

    cells = {"kind": "funder", "today": "2026-09-30", "group_kind": None, "rows": [], "groups": [], "funnel": []}
    found, _created = PublishedReport.objects.get_or_create(
        kind="company" if company else "funder",
        company=company,
        period_kind="quarter",
        period_start=date(2026, 7, 1),
        period_end=date(2026, 9, 30),
        defaults={
            "number": PublishedReport.objects.count() + 1,
            "language": "fr",
            "cells": {**cells, "hidden": []},
            "pdf": b"%PDF matrix",
            "xlsx": b"matrix",
        },
    )
    return {"pk": found.pk, **({"fmt": fmt} if fmt else {})}


COMPANY_ONLY = expect(403, anonymous=LOGIN, company_contact=200)
COMPANY_FOREIGN = expect(403, anonymous=LOGIN, company_contact=404)
FUNDER_SECTION = expect(403, anonymous=LOGIN, national_admin=200, funder=200)
FUNDER_FOREIGN = expect(403, anonymous=LOGIN, national_admin=404, funder=404)
STAFF_NOT_FOUND = expect(403, anonymous=LOGIN, national_admin=404, coordinator=404)

POLICY: dict[str, Policy] = {
    "impact:dashboard": Policy(STAFF_SECTION),
    "impact:people": Policy(STAFF_NOT_FOUND),  # no figure asked: nothing to list
    "impact:conflicts": Policy(STAFF_SECTION),
    "impact:conflict_decide": Policy(STAFF_POST_ONLY, own=lambda c: {"pk": 1}),
    "impact:report_request": Policy(STAFF_POST_ONLY),
    "impact:outcomes": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.chloe.person_id},
        foreign=lambda c: {"pk": c.leila.person_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "impact:outcome_edit": Policy(
        STAFF_SECTION,
        own=outcome,
        foreign=lambda c: outcome(c, lyon=True),
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "impact:outcome_delete": Policy(
        STAFF_POST_ONLY,
        own=outcome,
        foreign=lambda c: outcome(c, lyon=True),
        expected_foreign=STAFF_POST_ONLY,
    ),
    "impact:report": Policy(
        STAFF_SECTION,
        own=cohort_report,
        foreign=lambda c: cohort_report(c, lyon=True),
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "impact:report_status": Policy(
        STAFF_SECTION,
        own=report,
        foreign=lambda c: report(c, lyon=True),
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "impact:report_download": Policy(
        STAFF_SECTION,
        own=report,
        foreign=lambda c: report(c, lyon=True),
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "impact:company": Policy(COMPANY_ONLY),
    # Issued reports: a company's contacts their company's only; funders the funders' only.
    "impact:company_snapshot": Policy(
        COMPANY_ONLY,
        own=lambda c: snapshot(c, company=c.acme),
        foreign=lambda c: snapshot(c, company=c.boulangerie),
        expected_foreign=COMPANY_FOREIGN,
    ),
    "impact:company_snapshot_file": Policy(
        COMPANY_ONLY,
        own=lambda c: snapshot(c, company=c.acme, fmt="pdf"),
        foreign=lambda c: snapshot(c, company=c.boulangerie, fmt="pdf"),
        expected_foreign=COMPANY_FOREIGN,
    ),
    "impact:funder_snapshot": Policy(
        FUNDER_SECTION,
        own=snapshot,
        foreign=lambda c: snapshot(c, company=c.acme),
        expected_foreign=FUNDER_FOREIGN,
    ),
    "impact:funder_snapshot_file": Policy(
        FUNDER_SECTION,
        own=lambda c: snapshot(c, fmt="xlsx"),
        foreign=lambda c: snapshot(c, company=c.acme, fmt="xlsx"),
        expected_foreign=FUNDER_FOREIGN,
    ),
    "impact:published": Policy(STAFF_SECTION),
    "impact:publish": Policy(STAFF_POST_ONLY),
    "impact:published_file": Policy(
        STAFF_SECTION,
        own=lambda c: snapshot(c, company=c.acme, fmt="pdf"),
        foreign=lambda c: snapshot(c, company=c.dev.company, fmt="pdf"),
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
}
