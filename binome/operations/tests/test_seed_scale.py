"""`seed_demo --scale N`: the extra Paris people are drawn like the demo's and written through the
bulk services, with the audit lines and referral history the demo's own have (the whole seed at
scale 10 is the page bench's to build: `python -m bench.web`)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from binome.audit.models import AuditEvent
from binome.operations.demo import seed_scale
from binome.operations.demo.seed import REFERRAL_STATUSES, DemoSeeder, seed_demo
from binome.operations.demo.seed_sourcing import consent_text
from binome.people.models import MentorProfile
from binome.reference.models import Place
from binome.sourcing.models import Referral, ReferralTransition
from conftest import Cast

ANCHOR = date(2026, 11, 2)


def _seeder(cast: Cast, scale: int) -> DemoSeeder:
    seeder = DemoSeeder(7, ANCHOR, scale=scale)
    seeder.places = {"paris": list(Place.objects.filter(pk=cast.paris.centre_id))}
    seeder.consent_text = consent_text(ANCHOR)
    return seeder


def test_more_mentees_are_referred_in_bulk_with_their_history_dated_from_the_anchor(cast: Cast) -> None:
    seeder = _seeder(cast, 3)
    mentees = seed_scale.more_mentees(seeder, cast.paris, ["M1805"], [cast.paris_ngo], 40)
    assert len(mentees) == 40
    people = [m.person_id for m in mentees]
    referrals = Referral.objects.filter(person_id__in=people)
    assert referrals.count() == 40
    assert set(referrals.values_list("partner_id", flat=True)) == {cast.paris_ngo.pk}
    assert set(referrals.values_list("status", flat=True)) <= set(REFERRAL_STATUSES)
    assert len(Counter(referrals.values_list("status", flat=True))) > 3  # the demo's spread, not one status
    assert all(r.referred_at.date() <= ANCHOR and r.status_changed_at >= r.referred_at for r in referrals)
    first_steps = ReferralTransition.objects.filter(referral__in=referrals)
    assert sorted(t.at for t in first_steps) == sorted(r.referred_at for r in referrals)
    assert all(m.target_occupations.exists() and m.person.languages.exists() for m in mentees)
    created = AuditEvent.objects.filter(verb="created", target_type="sourcing.referral")
    assert created.filter(target_id__in=[str(r.pk) for r in referrals]).count() == 40


def test_more_mentors_multiply_each_paris_companys_headcount(cast: Cast) -> None:
    seeder = _seeder(cast, 4)
    mentors = seed_scale.more_mentors(seeder, [cast.acme, cast.boulangerie], {cast.acme.pk: 3, cast.boulangerie.pk: 2})
    assert Counter(m.company_id for m in mentors) == {cast.acme.pk: 9, cast.boulangerie.pk: 6}
    assert all(m.person.territory_id == cast.paris.pk and m.person.email for m in mentors)
    assert len({m.person.email for m in mentors}) == len(mentors)
    created = AuditEvent.objects.filter(verb="created", target_type="people.mentorprofile")
    assert created.filter(target_id__in=[str(m.pk) for m in mentors]).count() == len(mentors)
    assert MentorProfile.objects.filter(pk__in=[m.pk for m in mentors], occupation__isnull=True).count() == 0


def test_a_scale_below_one_is_refused(db: None) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        seed_demo(scale=0)
