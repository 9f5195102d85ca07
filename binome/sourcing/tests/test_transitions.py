"""The screening pipeline: every allowed and refused move, reasons, override, bulk all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from binome.cohorts.models import Cohort
from binome.sourcing.models import EligibilityRules, Referral, ReferralTransition
from binome.sourcing.services import (
    REASON_REQUIRED,
    SYSTEM_ONLY,
    TRANSITIONS,
    BulkMoveError,
    allowed_next,
    move_referral,
    move_referrals,
)
from binome.sourcing.tests.referral_fixtures import national_rules  # noqa: F401
from conftest import Cast

S = Referral.Status
ALL_MOVES = [(a, b) for a in S.values for b in S.values]


@pytest.fixture
def eligible_chloe(cast: Cast, national_rules: EligibilityRules) -> Cast:  # noqa: F811
    """Chloé's file meets every rule, so moves to "eligible" need no override."""
    cast.chloe.person.date_of_birth = date(1995, 5, 1)
    cast.chloe.person.save()
    cast.chloe.available_six_months = True
    cast.chloe.save()
    return cast


def _cohort(cast: Cast) -> Cohort:
    return Cohort.objects.create(
        territory=cast.paris, name="Paris automne", starts_on=date(2026, 10, 1), ends_on=date(2027, 4, 1)
    )


def test_every_move_is_allowed_or_refused_as_the_pipeline_says(eligible_chloe: Cast) -> None:
    # One cast for all 121 pairs: building it per pair would take minutes.
    referral = eligible_chloe.chloe_referral
    cohort = _cohort(eligible_chloe)
    wrong = []
    for from_status, to_status in ALL_MOVES:
        Referral.objects.filter(pk=referral.pk).update(status=from_status)
        ReferralTransition.objects.all().delete()
        referral.refresh_from_db()
        allowed = to_status in TRANSITIONS[from_status]
        note = "Raison donnée au téléphone" if to_status in REASON_REQUIRED else ""
        try:
            transition = move_referral(
                referral,
                to_status,
                actor=eligible_chloe.amara,
                note=note,
                cohort=cohort if to_status == S.ENROLLED else None,
                system=True,
            )
        except ValidationError as error:
            refused = "cannot go from" in " ".join(error.messages)
            referral.refresh_from_db()
            if allowed or not refused or referral.status != from_status or ReferralTransition.objects.exists():
                wrong.append((from_status, to_status, "refused"))
        else:
            referral.refresh_from_db()
            ok = (transition.from_status, transition.to_status, transition.actor) == (
                from_status,
                to_status,
                eligible_chloe.amara,
            )
            if not allowed or referral.status != to_status or not ok:
                wrong.append((from_status, to_status, "allowed"))
    assert wrong == []
    assert len(ALL_MOVES) == 121


@pytest.mark.parametrize("to_status", sorted(SYSTEM_ONLY))
def test_matched_and_completed_are_refused_to_people(cast: Cast, to_status: str) -> None:
    referral = cast.chloe_referral
    Referral.objects.filter(pk=referral.pk).update(status=S.ENROLLED if to_status == S.MATCHED else S.MATCHED)
    referral.refresh_from_db()
    with pytest.raises(ValidationError, match="set by the programme"):
        move_referral(referral, to_status, actor=cast.amara)
    assert to_status not in allowed_next(referral)


@pytest.mark.parametrize("to_status", sorted(REASON_REQUIRED))
def test_ineligible_and_left_need_a_reason_kept_on_the_referral(cast: Cast, to_status: str) -> None:
    referral = cast.chloe_referral
    Referral.objects.filter(pk=referral.pk).update(status=S.RECEIVED)
    with pytest.raises(ValidationError, match="Give a reason"):
        move_referral(referral, to_status, actor=cast.amara, note="   ")
    move_referral(referral, to_status, actor=cast.amara, note="Déménage à Marseille")
    referral.refresh_from_db()
    assert referral.status_reason == "Déménage à Marseille"


def test_enrolling_needs_a_cohort_of_the_same_territory(eligible_chloe: Cast) -> None:
    referral = eligible_chloe.chloe_referral
    Referral.objects.filter(pk=referral.pk).update(status=S.ELIGIBLE)
    with pytest.raises(ValidationError, match="Choose the cohort"):
        move_referral(referral, S.ENROLLED, actor=eligible_chloe.amara)
    lyon = Cohort.objects.create(
        territory=eligible_chloe.lyon, name="Lyon automne", starts_on=date(2026, 10, 1), ends_on=date(2027, 4, 1)
    )
    with pytest.raises(ValidationError, match="another territory"):
        move_referral(referral, S.ENROLLED, actor=eligible_chloe.amara, cohort=lyon)
    cohort = _cohort(eligible_chloe)
    move_referral(referral, S.ENROLLED, actor=eligible_chloe.amara, cohort=cohort)
    referral.refresh_from_db()
    assert referral.cohort == cohort


def test_making_someone_eligible_against_the_precheck_needs_a_written_justification(eligible_chloe: Cast) -> None:
    referral = eligible_chloe.chloe_referral
    Referral.objects.filter(pk=referral.pk).update(status=S.INTERVIEWED)
    eligible_chloe.chloe.french_level = "A1"  # below the A2 minimum
    eligible_chloe.chloe.save()
    with pytest.raises(ValidationError, match="pre-check"):
        move_referral(referral, S.ELIGIBLE, actor=eligible_chloe.amara)
    referral.refresh_from_db()
    assert referral.status == S.INTERVIEWED

    transition = move_referral(
        referral, S.ELIGIBLE, actor=eligible_chloe.amara, note="Entretien", override="Suit des cours intensifs"
    )
    referral.refresh_from_db()
    assert referral.status == S.ELIGIBLE
    assert referral.precheck_override == "Suit des cours intensifs"
    assert "Entretien" in transition.note
    assert "Suit des cours intensifs" in transition.note


def test_an_unknown_rule_does_not_need_an_override(eligible_chloe: Cast) -> None:
    referral = eligible_chloe.chloe_referral
    Referral.objects.filter(pk=referral.pk).update(status=S.INTERVIEWED)
    eligible_chloe.chloe.person.date_of_birth = None  # age unknown, not failed
    eligible_chloe.chloe.person.save()
    move_referral(referral, S.ELIGIBLE, actor=eligible_chloe.amara)
    referral.refresh_from_db()
    assert referral.status == S.ELIGIBLE
    assert referral.precheck_override == ""


def test_a_bulk_move_is_all_or_nothing_and_says_which_could_not_move(eligible_chloe: Cast) -> None:
    cast = eligible_chloe
    Referral.objects.filter(pk=cast.chloe_referral.pk).update(status=S.RECEIVED)
    Referral.objects.filter(pk=cast.leila_referral.pk).update(status=S.COMPLETED)  # a dead end
    referrals = list(Referral.objects.filter(pk__in=[cast.chloe_referral.pk, cast.leila_referral.pk]))
    with pytest.raises(BulkMoveError) as raised:
        move_referrals(referrals, S.CONTACTED, actor=cast.nadia)
    assert [(r.pk, "cannot go from" in why) for r, why in raised.value.failures] == [(cast.leila_referral.pk, True)]
    assert set(Referral.objects.values_list("status", flat=True)) == {S.RECEIVED, S.COMPLETED}
    assert not ReferralTransition.objects.exists()

    Referral.objects.filter(pk=cast.leila_referral.pk).update(status=S.RECEIVED)
    moved = move_referrals(referrals, S.CONTACTED, actor=cast.nadia)
    assert len(moved) == 2
    assert set(Referral.objects.values_list("status", flat=True)) == {S.CONTACTED}
