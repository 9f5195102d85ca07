"""What the page bench needs in a seeded database, run under the bench's settings
(`python -m bench.web.prepare`, from `bench.web`): prints one JSON line.

- "Paris automne" matched once by the coordinator (the board then shows proposals, as it does
  while a coordinator works on it); done once per database.
- The Paris coordinator's authenticator, from a fixed secret: production settings require the
  second factor, and the bench signs in through the real pages, code included.
- The ids in the pages' addresses: the demo mentee's file, the board's cohort.
"""

from __future__ import annotations

import json
import os

import django

# The secret of the bench coordinator's authenticator app (base32); only ever in bench databases.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # nosec B105: a bench fixture, not a credential
COORDINATOR = "coord.paris@demo.binome.fr"
MENTEE = "mentee@demo.binome.fr"
BOARD_COHORT = "Paris automne"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web.settings")
    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from binome.accounts.models import Role, User
    from binome.cohorts.models import Cohort
    from binome.pairing import services as pairing
    from binome.pairing.models import MatchRun

    coordinator = User.objects.get(email=COORDINATOR)
    cohort = Cohort.objects.get(name=BOARD_COHORT)
    if not MatchRun.objects.filter(cohort=cohort).exists():
        pairing.run_matching(cohort, actor=coordinator)
    if not Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(coordinator, TOTP_SECRET)
    mentee_person = Role.objects.get(user__email=MENTEE, kind=Role.Kind.MENTEE).person_id
    print(json.dumps({"mentee_person": mentee_person, "board_cohort": cohort.pk, "totp_secret": TOTP_SECRET}))


if __name__ == "__main__":
    main()
