"""Who may open the privacy pages: staff of the person's territory for a person's access
history, export and erasure; national admins for the registers."""

from __future__ import annotations

from binome.portals.tests.policy_kit import STAFF_OBJECT_FOREIGN, STAFF_SECTION, Policy

POLICY: dict[str, Policy] = {
    "staff_person_access": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.chloe.person_id},
        foreign=lambda c: {"pk": c.leila.person_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
}
