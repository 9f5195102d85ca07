"""Relations (pipeline, contacts, exchanges, partner agreements and figures) and in-company events.

Own records are Paris's (Acme, the Paris NGO, an event at Acme); foreign ones are Lyon's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from binome.portals.tests.policy_kit import LOGIN, STAFF_OBJECT_FOREIGN, STAFF_POST_ONLY, STAFF_SECTION, Policy, expect
from conftest import Cast


def company_event(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    """An event at Acme (Paris) or at the Lyon company, with the territory's mentor registered."""
    from binome.events.models import CompanyEvent, EventRegistration

    company, mentor = (cast.dev.company, cast.dev) if lyon else (cast.acme, cast.ben)
    event, _created = CompanyEvent.objects.get_or_create(
        company=company,
        title="Matrix",
        defaults={
            "territory_id": company.territory_id,
            "kind": "awareness",
            "starts_at": datetime(2026, 3, 1, 12, tzinfo=UTC),
            "place": "Salle A",
            "capacity": 10,
        },
    )
    registration, _created = EventRegistration.objects.get_or_create(
        event=event, person=mentor.person, defaults={"audience": "employee"}
    )
    return {"pk": event.pk, "registration_pk": registration.pk}


def _org(cast: Cast, lyon: bool, company: bool) -> dict[str, Any]:
    if company:
        return {"pk": (cast.dev.company_id if lyon else cast.acme.pk)}
    return {"pk": (cast.lyon_ngo.pk if lyon else cast.paris_ngo.pk)}


def contact(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    """A contact at Acme (Paris) or at the Lyon company."""
    from binome.organisations.models import Contact

    company = cast.dev.company if lyon else cast.acme
    found, _created = Contact.objects.get_or_create(organisation=company, name="Matrix Contact")
    return {"pk": company.pk, "contact_pk": found.pk}


COMPANY_SECTION = expect(403, anonymous=LOGIN, company_contact=200)

POLICY: dict[str, Policy] = {
    "organisations:relations": Policy(STAFF_SECTION),
    "organisations:partners": Policy(STAFF_SECTION),
    "organisations:relation": Policy(
        STAFF_SECTION,
        own=lambda c: _org(c, False, True),
        foreign=lambda c: _org(c, True, True),
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    **{
        name: Policy(
            STAFF_POST_ONLY,
            own=lambda c: _org(c, False, True),
            foreign=lambda c: _org(c, True, True),
            expected_foreign=STAFF_POST_ONLY,
        )
        for name in ("organisations:relation_move", "organisations:relation_contact", "organisations:relation_exchange")
    },
    "organisations:relation_contact_edit": Policy(
        STAFF_SECTION, own=contact, foreign=lambda c: contact(c, lyon=True), expected_foreign=STAFF_OBJECT_FOREIGN
    ),
    "organisations:relation_contact_remove": Policy(
        STAFF_POST_ONLY, own=contact, foreign=lambda c: contact(c, lyon=True), expected_foreign=STAFF_POST_ONLY
    ),
    "organisations:relation_agreement": Policy(
        STAFF_POST_ONLY,
        own=lambda c: _org(c, False, False),
        foreign=lambda c: _org(c, True, False),
        expected_foreign=STAFF_POST_ONLY,
    ),
    "events:events": Policy(STAFF_SECTION),
    "events:event": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": company_event(c)["pk"]},
        foreign=lambda c: {"pk": company_event(c, lyon=True)["pk"]},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    # Edit and cancel: GET shows the form; staff of another territory get 404.
    **{
        name: Policy(
            STAFF_SECTION,
            own=lambda c: {"pk": company_event(c)["pk"]},
            foreign=lambda c: {"pk": company_event(c, lyon=True)["pk"]},
            expected_foreign=STAFF_OBJECT_FOREIGN,
        )
        for name in ("events:event_edit", "events:event_cancel")
    },
    "events:event_register": Policy(
        STAFF_POST_ONLY,
        own=lambda c: {"pk": company_event(c)["pk"]},
        foreign=lambda c: {"pk": company_event(c, lyon=True)["pk"]},
        expected_foreign=STAFF_POST_ONLY,
    ),
    **{
        name: Policy(
            STAFF_POST_ONLY,
            own=company_event,
            foreign=lambda c: company_event(c, lyon=True),
            expected_foreign=STAFF_POST_ONLY,
        )
        for name in ("events:event_mark", "events:event_unregister")
    },
    "events:company_events": Policy(COMPANY_SECTION),
    "events:company_event": Policy(
        COMPANY_SECTION,
        own=lambda c: {"pk": company_event(c)["pk"]},
        foreign=lambda c: {"pk": company_event(c, lyon=True)["pk"]},
        expected_foreign=expect(403, anonymous=LOGIN, company_contact=404),
    ),
}
