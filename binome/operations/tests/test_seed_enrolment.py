"""The demo's enrolment links and training agree with every mentor's training status."""

from __future__ import annotations

from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from binome.organisations.models import Organisation
from binome.people.models import MentorProfile
from binome.sourcing.enrolment import LinkState, link_state
from binome.sourcing.models import MentorInvitation, TrainingAttendance, TrainingSession
from binome.territories.models import Territory

pytestmark = pytest.mark.django_db
ANCHOR = date(2026, 11, 2)
T = MentorProfile.Training


def test_the_demo_links_sessions_and_attendance_agree_with_the_training_statuses() -> None:
    call_command("seed_demo", anchor=ANCHOR, stdout=StringIO())
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
