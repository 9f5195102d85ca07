"""Fixtures of the referral, screening and eligibility tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from binome.sourcing.models import ConsentText, EligibilityRules


@pytest.fixture
def consent_text(db: Any) -> ConsentText:
    return ConsentText.objects.create(
        version="test-1",
        in_force_from=date(2026, 1, 1),
        body_fr="J'accepte que le programme Binôme traite mes données.",
        body_en="I agree that the Binôme programme processes my data.",
        body_ar="أوافق على أن يعالج برنامج بينوم بياناتي.",
    )


@pytest.fixture
def national_rules(db: Any) -> EligibilityRules:
    """The national default the data migration creates, reset to known values for each test."""
    rules, _created = EligibilityRules.objects.update_or_create(
        territory=None,
        defaults={
            "protection_statuses": ["refugee", "subsidiary", "temporary", "stateless"],
            "require_right_to_work": True,
            "min_age": 18,
            "max_age": None,
            "min_french_level": "A2",
            "max_distance_km": None,
            "require_six_month_availability": True,
            "require_target_occupation": True,
        },
    )
    rules.places.clear()
    return rules
