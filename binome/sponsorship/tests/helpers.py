"""Records the sponsorship tests build through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from binome.organisations.models import Organisation
from binome.sponsorship import services
from binome.sponsorship.models import Agreement, Offer


def large_offer() -> Offer:
    offer, _created = Offer.objects.get_or_create(
        name="Grandes entreprises",
        defaults={
            "kind": Offer.Kind.LARGE,
            "contribution_per_seat_cents": 150_000,
            "min_seats": 5,
            "eligible_size_bands": ["mid", "large"],
        },
    )
    return offer


def sme_offer() -> Offer:
    offer, _created = Offer.objects.get_or_create(
        name="TPE-PME",
        defaults={
            "kind": Offer.Kind.SME,
            "contribution_per_seat_cents": 50_000,
            "min_seats": 1,
            "max_seats": 3,
            "eligible_size_bands": ["micro", "sme"],
            "shared_cohorts": True,
        },
    )
    return offer


def signed_agreement(company: Organisation, *, seats: int = 5, actor: Any = None, **kwargs: Any) -> Agreement:
    agreement = services.create_agreement(
        company,
        offer=kwargs.pop("offer", None) or large_offer(),
        starts_on=kwargs.pop("starts_on", date(2026, 1, 1)),
        ends_on=kwargs.pop("ends_on", date(2026, 12, 31)),
        mentor_seats=seats,
        actor=actor,
        **kwargs,
    )
    return services.move_agreement(agreement, status="signed", signed_on=date(2026, 1, 5), actor=actor)
