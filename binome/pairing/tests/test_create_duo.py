from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from binome.audit.models import AuditEvent
from binome.pairing import services
from binome.pairing.models import Duo
from binome.sourcing.models import Referral, ReferralTransition
from conftest import Cast

from .conftest import Autumn

pytestmark = pytest.mark.django_db


def test_a_duo_formed_by_hand_matches_the_referral_and_names_who_formed_it(cast: Cast, autumn: Autumn) -> None:
    duo = services.create_duo(autumn.cohort, autumn.samir, autumn.ines, started_on=date(2026, 12, 22), actor=cast.amara)

    assert (duo.cohort, duo.mentee, duo.mentor, duo.status) == (autumn.cohort, autumn.samir, autumn.ines, "active")
    referral = Referral.objects.get(person=autumn.samir.person)
    assert referral.status == Referral.Status.MATCHED
    assert ReferralTransition.objects.filter(referral=referral, from_status="enrolled", to_status="matched").exists()
    assert AuditEvent.objects.filter(verb="created", actor=cast.amara, target_id=str(duo.pk)).exists()


def test_a_mentee_who_is_not_enrolled_gets_no_duo(cast: Cast, autumn: Autumn) -> None:
    Referral.objects.filter(person=autumn.yara.person).update(status=Referral.Status.WAITLISTED)

    with pytest.raises(ValidationError):
        services.create_duo(autumn.cohort, autumn.yara, autumn.omar, started_on=date(2026, 12, 22), actor=cast.amara)
    assert not Duo.objects.filter(mentee=autumn.yara).exists()


def test_a_mentee_with_a_live_duo_in_the_cohort_gets_no_second_one(cast: Cast, autumn: Autumn) -> None:
    services.create_duo(autumn.cohort, autumn.samir, autumn.ines, started_on=date(2026, 12, 22), actor=cast.amara)
    # Back to enrolled (re-pairing) while the first duo is still live: the constraint refuses a second.
    Referral.objects.filter(person=autumn.samir.person).update(status=Referral.Status.ENROLLED)

    with pytest.raises(IntegrityError), transaction.atomic():
        services.create_duo(autumn.cohort, autumn.samir, autumn.omar, started_on=date(2026, 12, 22), actor=cast.amara)
    assert Duo.objects.filter(mentee=autumn.samir).count() == 1
