"""The demo has duplicates to merge, found by the duplicate keys, and they merge cleanly."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from binome.accounts.models import User
from binome.people.models import Person
from binome.privacy.merge import merge_people, merge_refusal
from binome.sourcing.duplicates import duplicate_pairs

pytestmark = pytest.mark.django_db


def test_the_demo_has_duplicate_pairs_to_merge_in_every_territory() -> None:
    call_command("seed_demo", seed=7, anchor=date(2026, 11, 2), stdout=StringIO())
    pairs = duplicate_pairs(Person.objects.all())
    territories = {pair.first.territory.slug for pair in pairs}
    assert territories == {"paris", "lyon", "tours"}
    reasons = {reason for pair in pairs for reason in pair.reasons}
    assert {"name_dob", "phone"} <= reasons
    mergeable = [pair for pair in pairs if merge_refusal(pair.first, pair.second) is None]
    assert len(mergeable) >= 3
    admin = User.objects.get(email="admin@demo.binome.fr")
    pair = mergeable[0]
    partners = {r.partner_id for r in pair.first.referrals.all()} | {r.partner_id for r in pair.second.referrals.all()}
    kept = merge_people(pair.first, pair.second, actor=admin)
    assert {r.partner_id for r in kept.referrals.all()} == partners
