"""What the authorization matrix is written with: roles, expected codes, the Policy record.

Each area's pages declare their policies in `binome/portals/tests/policies/<area>.py` as a
`POLICY` dict; the matrix test gathers every module of that folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conftest import Cast

ROLES = ["anonymous", "national_admin", "coordinator", "company_contact", "mentor", "mentee", "referrer", "funder"]
LOGIN = 302  # anonymous visitors are sent to the sign-in page


def users(cast: Cast) -> dict[str, Any]:
    return {
        "anonymous": None,
        "national_admin": cast.nadia,
        "coordinator": cast.amara,
        "company_contact": cast.hugo,
        "mentor": cast.ben_user,
        "mentee": cast.chloe_user,
        "referrer": cast.farah,
        "funder": cast.fiona,
    }


def expect(default: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, default) for role in ROLES}


def on_url(code: int, kwargs: dict[str, Any]) -> int:
    """What a policy's code means on a concrete URL: the section guards answer 404, not 403, to a
    role without the section on a record's URL (one with arguments), as for any record out of scope."""
    return 404 if kwargs and code == 403 else code


@dataclass
class Policy:
    expected: dict[str, int]
    own: Callable[[Cast], dict[str, Any]] | None = None  # kwargs of an in-scope record
    foreign: Callable[[Cast], dict[str, Any]] | None = None  # kwargs of an out-of-scope record
    expected_foreign: dict[str, int] = field(default_factory=dict)


STAFF_SECTION = expect(403, anonymous=LOGIN, national_admin=200, coordinator=200)
# POST-only staff actions: GET is refused (405) before any record is looked up; POST scoping is
# tested in binome/pairing/tests/test_board_pages.py.
STAFF_POST_ONLY = expect(403, anonymous=LOGIN, national_admin=405, coordinator=405)
STAFF_OBJECT_FOREIGN = expect(403, anonymous=LOGIN, national_admin=200, coordinator=404)
PUBLIC = expect(200)
INVITATION_MANAGERS = expect(403, anonymous=LOGIN, national_admin=200, coordinator=200, company_contact=200)
INVITATION_POST_ONLY = expect(403, anonymous=LOGIN, national_admin=405, coordinator=405, company_contact=405)
TRAINING_POST_ONLY = expect(403, anonymous=LOGIN, national_admin=405, coordinator=405)
SIGNED_IN_ONLY = expect(200, anonymous=LOGIN)
# allauth sends signed-in users away from its sign-in, sign-up and reset pages.
ENTRANCE = expect(302, anonymous=200)
