"""Who may open the privacy pages: staff of the person's territory for a person's access
history, export (POST only) and erasure; national admins for the two registers."""

from __future__ import annotations

from binome.portals.tests.policy_kit import (
    LOGIN,
    STAFF_OBJECT_FOREIGN,
    STAFF_POST_ONLY,
    STAFF_SECTION,
    Policy,
    expect,
)

NATIONAL_ONLY = expect(403, anonymous=LOGIN, national_admin=200)

POLICY: dict[str, Policy] = {
    **{
        name: Policy(
            STAFF_SECTION,
            own=lambda c: {"pk": c.chloe.person_id},
            foreign=lambda c: {"pk": c.leila.person_id},
            expected_foreign=STAFF_OBJECT_FOREIGN,
        )
        for name in ("privacy:person_access", "privacy:person_erase")
    },
    "privacy:person_export": Policy(
        STAFF_POST_ONLY,
        own=lambda c: {"pk": c.chloe.person_id},
        foreign=lambda c: {"pk": c.leila.person_id},
        expected_foreign=STAFF_POST_ONLY,
    ),
    "privacy:register": Policy(NATIONAL_ONLY),
    "privacy:breaches": Policy(NATIONAL_ONLY),
}
