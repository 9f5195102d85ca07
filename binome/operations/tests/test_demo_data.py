"""The demo data, seeded once for this module: every part of the seed holds together.

Seeding takes seconds of CPU; each test here reads (or changes, inside its own rolled-back
transaction) the same seeded database instead of seeding its own. What the demo must look like
for each domain is checked here, beside the seed in `binome/operations/demo/`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, time
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from binome.accounts.models import Role, User
from binome.cohorts.models import Cohort, ProgrammeTemplate, Workshop, WorkshopInvitation
from binome.cohorts.selectors import missed_workshops_by_person
from binome.impact import kpis
from binome.impact.models import Outcome, Source
from binome.lib.models import OutgoingMessage
from binome.operations.demo.seed_impact import _completed_cohort
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.privacy.merge import merge_people, merge_refusal
from binome.sourcing.duplicates import duplicate_pairs
from binome.sourcing.eligibility import precheck
from binome.sourcing.enrolment import LinkState, link_state
from binome.sourcing.models import (
    Consent,
    ConsentText,
    EligibilityRules,
    MentorInvitation,
    Referral,
    TrainingAttendance,
    TrainingSession,
)
from binome.sponsorship.tests.test_seed import assert_sponsorship_history
from binome.surveys import selectors
from binome.surveys.models import Answer, Invitation, Wave
from binome.territories.models import Territory

pytestmark = pytest.mark.django_db
ANCHOR = date(2026, 11, 2)
NOON = datetime.combine(ANCHOR, time(12), tzinfo=ZoneInfo("Europe/Paris"))
T = MentorProfile.Training


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo seeded once, in a transaction rolled back after the module; yields what it printed.

    Each test runs in a savepoint inside it (pytest-django's own transaction), so what one test
    changes (a merge) is gone before the next."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", anchor=ANCHOR, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_demo_has_a_renewal_one_late_invoice_an_sme_agreement_and_an_approved_statement(demo: str) -> None:
    assert_sponsorship_history(ANCHOR)


def test_the_demo_cohorts_have_calendars_invitations_attendance_and_one_cancelled_workshop(demo: str) -> None:
    template = ProgrammeTemplate.objects.get(is_default=True)
    for cohort in Cohort.objects.all():
        assert cohort.template == template, cohort
        assert cohort.workshops.count() == template.items.count(), cohort

    past = WorkshopInvitation.objects.filter(workshop__ends_at__lte=NOON, workshop__status="planned")
    assert past.exists()
    assert not past.filter(present=None).exists()  # attendance taken for every past workshop
    assert past.filter(present=False).exists()
    assert past.filter(present=True).count() > past.filter(present=False).count()
    assert not WorkshopInvitation.objects.filter(workshop__starts_at__gt=NOON).exclude(present=None).exists()
    assert not WorkshopInvitation.objects.filter(workshop__cohort__name="Tours hiver").exists()

    cancelled = Workshop.objects.get(status="cancelled")
    assert cancelled.cohort.name == "Paris printemps"
    assert cancelled.starts_at > NOON
    assert cancelled.sequence == 1

    running = WorkshopInvitation.objects.filter(workshop__cohort__name="Paris printemps")
    people = list(running.values_list("person_id", flat=True).distinct())
    missed = missed_workshops_by_person(people, since=date(2026, 1, 1))
    assert max(missed.values()) >= 2  # someone the engagement rule will flag
    assert not DBTaskResult.objects.filter(task_path="binome.cohorts.tasks.deliver_calendar_email").exists()
    assert not OutgoingMessage.objects.filter(sent_at__isnull=True).exists()  # nothing waits on the outgoing page


def test_the_demo_links_sessions_and_attendance_agree_with_the_training_statuses(demo: str) -> None:
    now = timezone.make_aware(datetime.combine(ANCHOR, time(23, 59)))

    # A current link per company; Acme's shows employees who enrolled through it.
    for invitation in MentorInvitation.objects.filter(valid_until__gte=ANCHOR):
        assert link_state(invitation, ANCHOR) == LinkState.VALID
    companies_with_links = set(
        MentorInvitation.objects.filter(valid_until__gte=ANCHOR).values_list("company", flat=True)
    )
    # Every company lending mentors has one; prospects of the pipeline have none yet.
    lending = Organisation.objects.filter(kind="company", mentors__isnull=False).distinct()
    assert companies_with_links == set(lending.values_list("pk", flat=True))
    acme_link = MentorInvitation.objects.get(company__slug="acme", valid_until__gte=ANCHOR)
    assert acme_link.enrolled.count() >= 1
    assert acme_link.created_by is not None
    assert acme_link.created_by.email == "company@demo.binome.fr"
    assert not MentorProfile.objects.filter(enrolled_at__isnull=True).exists()

    for mentor in MentorProfile.objects.all():
        present = TrainingAttendance.objects.filter(mentor=mentor, present=True).select_related("session")
        if mentor.training_status == T.COMPLETED:
            days = {timezone.localtime(a.session.starts_at).date() for a in present}
            assert mentor.trained_on in days, mentor
        else:
            assert not present.exists(), mentor
        if mentor.training_status == T.SCHEDULED:
            assert TrainingAttendance.objects.filter(
                mentor=mentor, present__isnull=True, session__starts_at__gte=now
            ).exists(), mentor
        if mentor.training_status == T.WAIVED:
            assert mentor.training_waiver_reason, mentor
    assert MentorProfile.objects.filter(training_status=T.WAIVED).count() >= 2

    for territory in Territory.objects.filter(people__mentor_profile__isnull=False).distinct():
        upcoming = TrainingSession.objects.filter(territory=territory, starts_at__gte=now)
        assert upcoming.count() == 1, territory
        assert upcoming.get().attendances.exists()
        assert TrainingSession.objects.filter(territory=territory, starts_at__lt=now).exists()

    demo = MentorProfile.objects.get(person__roles__user__email="mentor@demo.binome.fr")
    assert demo.training_status == T.COMPLETED
    assert demo.is_matchable


def test_the_demo_has_duplicate_pairs_to_merge_in_every_territory(demo: str) -> None:
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


def test_the_demo_has_the_promised_shape_and_logins(demo: str) -> None:
    companies = Organisation.objects.filter(kind="company", mentors__isnull=False).distinct()
    assert companies.count() == 20  # lending mentors; prospects of the pipeline come on top
    assert sum(c.is_sme for c in companies) == 7  # about a third
    assert Organisation.objects.filter(kind="ngo").count() == 8
    assert 130 <= MentorProfile.objects.count() <= 170
    assert MenteeProfile.objects.exclude(person__referrals__source="public").count() == 200
    assert Referral.objects.filter(partner__isnull=False).count() == 200
    assert set(Person.objects.values_list("territory__slug", flat=True)) == {"paris", "lyon", "tours"}
    assert Referral.objects.values("status").distinct().count() >= 8  # every stage has people
    assert Organisation.objects.get(slug="paris-ngo").territory.slug == "paris"
    for email in ["admin", "coord.paris", "coord.lyon", "company", "mentor", "mentee", "partner", "funder"]:
        assert authenticate(email=f"{email}@demo.binome.fr", password="demo-binome-2026") is not None, email
        assert f"{email}@demo.binome.fr" in demo
    mentor_person = Role.objects.get(user__email="mentor@demo.binome.fr").person
    mentee_person = Role.objects.get(user__email="mentee@demo.binome.fr").person
    assert Duo.objects.filter(mentor__person=mentor_person, mentee__person=mentee_person, status="active").exists()
    assert Role.objects.get(user__email="company@demo.binome.fr").organisation == mentor_person.mentor_profile.company


def test_demo_completed_cohort_has_outcomes_with_realistic_rates(demo: str) -> None:
    cohort = _completed_cohort()
    assert cohort is not None
    assert Outcome.objects.filter(person__mentee_profile__duos__cohort=cohort, source=Source.STAFF).exists()
    figures = {f.key: f for f in kpis.figures(kpis.Slice(cohort_id=cohort.pk), today=ANCHOR)}
    opportunity, network = figures["opportunity"], figures["network"]
    assert opportunity.denominator >= 8
    assert 0.3 <= opportunity.rate <= 0.8
    assert network.rate is not None
    assert 0.3 <= network.rate <= 0.85
    assert opportunity.unknown + network.unknown > 0  # some never answered: shown, not hidden


def test_the_demo_has_waves_and_realistic_answers_for_the_completed_cohort(demo: str) -> None:
    completed = "Paris 2025–2026"
    assert Wave.objects.filter(cohort__name=completed).count() == 8
    assert not Wave.objects.filter(cohort__name="Tours hiver").exists()  # no duos yet
    assert not Invitation.objects.filter(wave__opens_on__gt=ANCHOR).exists()

    end = Invitation.objects.filter(wave__cohort__name=completed, wave__instrument__code="mentee_end")
    asked = end.count()
    assert asked >= 8
    answered = end.filter(submitted_at__isnull=False)
    assert asked - answered.count() >= 1  # some unknowns, counted, never hidden
    values = Answer.objects.filter(response__invitation__in=answered)
    opportunity = values.filter(question__key="had_opportunity", value="yes").count()
    network = sum(1 for v in values.filter(question__key="network_contacts").values_list("value", flat=True) if v >= 3)
    print(f"end survey: asked {asked}, answered {answered.count()}, opportunity {opportunity}, network {network}")
    assert 0.3 <= opportunity / asked <= 0.7
    assert 0.4 <= network / asked <= 0.8
    assert Outcome.objects.filter(source="survey", person__in=end.values("person")).exclude(kind="none").exists()

    poor = selectors.poor_checkins(date(2020, 1, 1))
    assert 1 <= len(poor) <= 4
    assert all(score <= 2 for _duo, _day, score in poor)
    assert not Invitation.objects.filter(submitted_at__date__gt=ANCHOR).exists()


def test_the_demo_histories_consents_and_rules_hang_together(demo: str) -> None:
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
