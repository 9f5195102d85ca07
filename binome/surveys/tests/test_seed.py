"""The demo's surveys: waves for the cohorts with duos, realistic answers for the completed cohort."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from binome.impact.models import Outcome
from binome.surveys import selectors
from binome.surveys.models import Answer, Invitation, Wave

pytestmark = pytest.mark.django_db
ANCHOR = date(2026, 11, 2)


def test_the_demo_has_waves_and_realistic_answers_for_the_completed_cohort() -> None:
    call_command("seed_demo", anchor=ANCHOR, stdout=StringIO())
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
