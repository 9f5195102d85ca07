"""Authorization policies of the surveys pages (binome/portals/urls/surveys.py).

The personal link is public to whoever holds it (an unknown secret is not found); staff pages
belong to staff of the cohort's territory; a member opens only their own invitation."""

from __future__ import annotations

from typing import Any

from binome.portals.tests.policy_kit import (
    LOGIN,
    PUBLIC,
    STAFF_OBJECT_FOREIGN,
    STAFF_POST_ONLY,
    STAFF_SECTION,
    Policy,
    expect,
)
from conftest import Cast


def survey_invitation(cast: Cast, lyon: bool = False) -> Any:
    """The cast's Paris (or Lyon) mentee invited to the baseline wave of their cohort."""
    from datetime import UTC, datetime

    from binome.surveys import services
    from binome.surveys.models import Invitation, Wave

    duo = cast.lyon_duo if lyon else cast.paris_duo
    if not Wave.objects.filter(cohort=duo.cohort).exists():
        services.load_instruments()
        services.schedule_waves(duo.cohort)
    wave = Wave.objects.get(cohort=duo.cohort, instrument__code="mentee_baseline")
    found, _created = Invitation.objects.get_or_create(
        wave=wave,
        person=duo.mentee.person,
        defaults={"duo": duo, "role": "mentee", "expires_at": datetime(2099, 1, 1, tzinfo=UTC)},
    )
    return found


def instrument(cast: Cast) -> dict[str, Any]:
    """Questionnaires are national: every staff member reads them (national admins change them)."""
    from binome.surveys import services
    from binome.surveys.models import Instrument

    services.load_instruments()
    return {"pk": Instrument.objects.get(code="mentee_end").pk}


def survey_token(cast: Cast) -> dict[str, Any]:
    from binome.surveys import services

    return {"token": services.issue_link(survey_invitation(cast))}


MEMBERS_SECTION = expect(403, anonymous=LOGIN, mentor=404, mentee=302)

POLICY: dict[str, Policy] = {
    "surveys:respond": Policy(
        PUBLIC, own=survey_token, foreign=lambda c: {"token": "not-a-real-token"}, expected_foreign=expect(404)
    ),
    # Not answered yet: the thanks page sends back to the form.
    "surveys:thanks": Policy(
        expect(302), own=survey_token, foreign=lambda c: {"token": "not-a-real-token"}, expected_foreign=expect(404)
    ),
    # Chloé (the mentee) opens her own invitation; Ben's and Leïla's are not found for her.
    "surveys:start": Policy(
        MEMBERS_SECTION,
        own=lambda c: {"pk": survey_invitation(c).pk},
        foreign=lambda c: {"pk": survey_invitation(c, lyon=True).pk},
        expected_foreign=expect(403, anonymous=LOGIN, mentor=404, mentee=404),
    ),
    "surveys:cohort_surveys": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.paris_duo.cohort_id},
        foreign=lambda c: {"pk": c.lyon_duo.cohort_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "surveys:wave": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": survey_invitation(c).wave_id},
        foreign=lambda c: {"pk": survey_invitation(c, lyon=True).wave_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "surveys:enter": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": survey_invitation(c).pk},
        foreign=lambda c: {"pk": survey_invitation(c, lyon=True).pk},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "surveys:resend": Policy(
        STAFF_POST_ONLY,
        own=lambda c: {"pk": survey_invitation(c).pk},
        foreign=lambda c: {"pk": survey_invitation(c, lyon=True).pk},
        expected_foreign=STAFF_POST_ONLY,
    ),
    "surveys:instruments": Policy(STAFF_SECTION),
    "surveys:instrument": Policy(STAFF_SECTION, own=instrument),
}
