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


COMPANY_ONLY = expect(403, anonymous=LOGIN, company_contact=200)
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
    "impact:company_report": Policy(COMPANY_ONLY, own=lambda c: {"fmt": "xlsx"}),
    "impact:funder_report": Policy(
        expect(403, anonymous=LOGIN, national_admin=200, funder=200), own=lambda c: {"fmt": "xlsx"}
    ),
}
