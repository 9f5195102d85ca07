"""The demo's cohort calendars, invitations and attendance."""

from __future__ import annotations

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from binome.cohorts.models import Cohort, ProgrammeTemplate, Workshop, WorkshopInvitation
from binome.cohorts.selectors import missed_workshops_by_person

pytestmark = pytest.mark.django_db
ANCHOR = date(2026, 11, 2)
NOON = datetime.combine(ANCHOR, time(12), tzinfo=ZoneInfo("Europe/Paris"))


def test_the_demo_cohorts_have_calendars_invitations_attendance_and_one_cancelled_workshop() -> None:
    call_command("seed_demo", anchor=ANCHOR, stdout=StringIO())
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


def test_the_programme_part_of_the_seed_is_deterministic() -> None:
    def seeded() -> list[tuple[object, ...]]:
        with transaction.atomic():
            call_command("seed_demo", anchor=ANCHOR, stdout=StringIO())
            rows = list(
                WorkshopInvitation.objects.order_by(
                    "workshop__cohort__name", "workshop__starts_at", "person__email"
                ).values_list("workshop__title", "workshop__place", "person__email", "present")
            )
            transaction.set_rollback(True)
        return rows

    first = seeded()
    assert first
    assert seeded() == first
