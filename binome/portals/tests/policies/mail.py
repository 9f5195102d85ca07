"""Outgoing messages (binome/portals/urls/territories.py) and publishing a cohort's calendar
(binome/portals/urls/cohorts.py): staff only; scoping of the messages is tested in
binome/operations/tests/test_outbox.py, publishing in binome/cohorts/tests/test_publish_calendar.py."""

from __future__ import annotations

from binome.portals.tests.policy_kit import STAFF_POST_ONLY, STAFF_SECTION, Policy

POLICY = {
    "territories:outgoing": Policy(STAFF_SECTION),
    "territories:outgoing_resend": Policy(STAFF_POST_ONLY, own=lambda c: {"pk": 999_999}),
    "cohorts:calendar_publish": Policy(
        STAFF_POST_ONLY,
        own=lambda c: {"pk": c.paris_duo.cohort_id},
        foreign=lambda c: {"pk": c.lyon_duo.cohort_id},
        expected_foreign=STAFF_POST_ONLY,
    ),
}
