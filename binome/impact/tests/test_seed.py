from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from binome.impact import kpis
from binome.impact.models import Outcome, Source
from binome.operations.demo.seed_impact import _completed_cohort

pytestmark = pytest.mark.django_db

ANCHOR = date(2026, 11, 2)


def test_demo_completed_cohort_has_outcomes_with_realistic_rates() -> None:
    call_command("seed_demo", anchor=ANCHOR, stdout=StringIO())
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
