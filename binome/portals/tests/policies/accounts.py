"""Accounts (binome/portals/urls/accounts.py): the links emailed or handed over, and the staff pages
that create accounts. Coordinators manage the accounts of their territories' organisations and
members; only national admins invite coordinators."""

from __future__ import annotations

from typing import Any

from binome.accounts.models import Role
from binome.portals.tests.policy_kit import (
    LOGIN,
    STAFF_OBJECT_FOREIGN,
    STAFF_POST_ONLY,
    STAFF_SECTION,
    Policy,
    expect,
)
from conftest import Cast

NATIONAL_ONLY = expect(403, anonymous=LOGIN, national_admin=200)


def referrer_role(cast: Cast, lyon: bool = False) -> dict[str, Any]:
    """The role of the cast's Paris referrer, or a Lyon one made for the matrix."""
    if not lyon:
        return {"pk": Role.objects.get(user=cast.farah, kind=Role.Kind.REFERRER).pk}
    from binome.accounts.models import User

    user, _created = User.objects.get_or_create(email="matrix.lyon.referrer@binome.test")
    role, _created = Role.objects.get_or_create(user=user, kind=Role.Kind.REFERRER, organisation=cast.lyon_ngo)
    return {"pk": role.pk}


POLICY: dict[str, Policy] = {
    # A token that was never issued is not found.
    "accounts:connect": Policy(expect(404), own=lambda c: {"token": "not-a-real-token"}),
    "accounts:accounts": Policy(STAFF_SECTION),
    "accounts:partner_new": Policy(STAFF_SECTION),
    "accounts:organisation_accounts": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.paris_ngo.pk},
        foreign=lambda c: {"pk": c.lyon_ngo.pk},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "accounts:person_account": Policy(
        STAFF_SECTION,
        own=lambda c: {"pk": c.chloe.person_id},
        foreign=lambda c: {"pk": c.leila.person_id},
        expected_foreign=STAFF_OBJECT_FOREIGN,
    ),
    "accounts:territory_coordinators": Policy(
        NATIONAL_ONLY,
        own=lambda c: {"slug": c.paris.slug},
        foreign=lambda c: {"slug": c.lyon.slug},
        expected_foreign=NATIONAL_ONLY,
    ),
    "accounts:resend_invitation": Policy(
        STAFF_POST_ONLY,
        own=referrer_role,
        foreign=lambda c: referrer_role(c, lyon=True),
        expected_foreign=STAFF_POST_ONLY,
    ),
}
