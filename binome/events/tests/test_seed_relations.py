from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from binome.events.models import CompanyEvent, EventRegistration
from binome.operations.demo.seed_relations import seed_relations
from binome.organisations.models import PartnerAgreement
from binome.organisations.selectors import pipeline_board
from conftest import Cast


def test_the_demo_relations_fill_every_stage_and_hold_past_and_upcoming_events(cast: Cast) -> None:
    seed_relations(SimpleNamespace(anchor=date(2026, 11, 2)))  # type: ignore[arg-type]
    for territory in (cast.paris, cast.lyon):
        counts = {c.stage: c.count for c in pipeline_board(territory).columns}
        assert all(counts[stage] >= 1 for stage in counts), counts
    assert PartnerAgreement.objects.filter(partner=cast.paris_ngo, document_reference="CONV-2026-AEP").exists()
    acme = CompanyEvent.objects.filter(company=cast.acme)
    assert acme.filter(starts_at__date__lt=date(2026, 11, 2)).count() == 2
    assert acme.filter(starts_at__date__gt=date(2026, 11, 2)).count() == 1
    past = EventRegistration.objects.filter(event__in=acme, event__starts_at__date__lt=date(2026, 11, 2))
    assert past.exists()
    assert not past.filter(present__isnull=True).exists()  # attendance taken at past events
    for event in CompanyEvent.objects.all():
        assert event.registrations.count() <= event.capacity
