"""The demo's sourcing data is consistent: consents, histories, rules, public applications."""

from __future__ import annotations

import itertools
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from binome.sourcing.eligibility import precheck
from binome.sourcing.models import Consent, ConsentText, EligibilityRules, Referral

pytestmark = pytest.mark.django_db
ANCHOR = date(2026, 11, 2)


def test_the_demo_histories_consents_and_rules_hang_together() -> None:
    call_command("seed_demo", anchor=ANCHOR, stdout=StringIO())
    assert ConsentText.objects.get(version="v1").body_ar
    assert EligibilityRules.objects.filter(territory=None).count() == 1
    referrals = Referral.objects.prefetch_related("transitions").select_related("person")
    people_with_consent = set(Consent.objects.values_list("person_id", flat=True))
    broken = []
    for referral in referrals:
        steps = list(referral.transitions.all())
        chained = all(a.to_status == b.from_status for a, b in itertools.pairwise(steps))
        ordered = all(a.at <= b.at for a, b in itertools.pairwise(steps))
        if not steps or steps[0].to_status != "received" or steps[-1].to_status != referral.status:
            broken.append((referral.pk, "ends"))
        elif not (chained and ordered):
            broken.append((referral.pk, "chain"))
        if referral.person_id not in people_with_consent:
            broken.append((referral.pk, "consent"))
    assert broken == []

    public = Referral.objects.filter(source="public")
    assert public.count() == 6
    assert not public.exclude(partner=None).exists()
    assert set(Consent.objects.filter(person__referrals__in=public).values_list("method", flat=True)) == {"online"}

    # Whoever was made eligible against the pre-check has a written justification.
    past = Referral.objects.filter(status__in=["eligible", "enrolled", "matched", "completed"], precheck_override="")
    assert [r.pk for r in past if precheck(r, today=ANCHOR).failed] == []
    waiting = Referral.objects.filter(status="interviewed", person__territory__slug="paris")
    assert sum(bool(precheck(r, today=ANCHOR).failed) for r in waiting) >= 2
