"""Per-partner figures against a dataset counted by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from binome.impact import selectors
from binome.impact.models import Outcome
from binome.meetings.models import Meeting
from binome.organisations import services
from binome.organisations.models import PartnerAgreement
from binome.pairing.models import Duo
from binome.people.services import create_mentee_profile, create_person
from binome.sourcing.models import Referral, ReferralTransition
from binome.sourcing.selectors import referrals_visible_to
from conftest import Cast

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
S = Referral.Status


def _referral(cast: Cast, status: str, *, lyon: bool = False, steps: tuple[str, ...] = (), **extra: Any) -> Referral:
    territory = cast.lyon if lyon else cast.paris
    person = create_person(actor=None, first_name=f"P{Referral.objects.count()}", last_name="T", territory=territory)
    create_mentee_profile(person, actor=None, targets=["M1805"], french_level="B1", protection_status="refugee")
    referral = Referral.objects.create(person=person, partner=cast.paris_ngo, status=status, **extra)
    previous = ""
    for step in steps:
        ReferralTransition.objects.create(referral=referral, from_status=previous, to_status=step)
        previous = step
    return referral


@pytest.fixture
def dataset(cast: Cast) -> dict[str, Referral]:
    """Paris NGO's referrals (the cast's Chloé is #1: matched, with an active duo)."""
    cohort = cast.paris_duo.cohort
    rows = {
        "received": _referral(cast, S.RECEIVED),  # referred only
        "ineligible": _referral(cast, S.INELIGIBLE, steps=("received", "ineligible")),  # referred only
        "eligible": _referral(cast, S.ELIGIBLE),  # + eligible
        "left": _referral(cast, S.LEFT, steps=("received", "eligible", "enrolled", "left")),  # + eligible, enrolled
        "completed": _referral(cast, S.COMPLETED),  # all five, and an opportunity
        "interview": _referral(cast, S.ENROLLED),  # eligible, enrolled; an interview is no opportunity
    }
    done = Duo.objects.create(
        cohort=cohort,
        mentor=cast.ben,
        mentee=rows["completed"].person.mentee_profile,
        started_on=date(2026, 3, 8),
        status=Duo.Status.COMPLETED,
    )
    # A participant (first meeting confirmed) of a cohort that has ended: completed, with a counted
    # opportunity. Matched people who never met count as matched only (the registry's funnel).
    Meeting.objects.create(
        duo=done,
        held_on=date(2026, 3, 10),
        duration_minutes=60,
        mode="in_person",
        recorded_as="mentor",
        confirmed_at=timezone.now(),
        confirmed_as="mentee",  # by the other member: it counts
    )
    Outcome.objects.create(person=rows["completed"].person, duo=done, kind="cdi", date=date(2026, 8, 1), source="staff")
    Outcome.objects.create(person=rows["interview"].person, kind="interview", date=date(2026, 8, 1), source="staff")
    # A discarded outcome does not count; a merged duplicate is not counted twice.
    Outcome.objects.create(
        person=cast.chloe.person, kind="cdd", date=date(2026, 8, 1), source="survey", status="discarded"
    )
    _referral(cast, S.ELIGIBLE, merged_into=rows["received"])
    # A Lyon person referred by the Paris NGO: a Lyon coordinator's figure, not Amara's.
    rows["lyon"] = _referral(cast, S.ELIGIBLE, lyon=True)
    return rows


PARIS_FIGURES = {"referred": 7, "eligible": 5, "enrolled": 4, "matched": 2, "completed": 1, "with_opportunity": 1}


def _as_dict(figures: selectors.PartnerFigures) -> dict[str, int]:
    return {name: getattr(figures, name) for name in selectors.FIGURE_COLUMNS}


def test_partner_figures_match_the_hand_count_in_two_queries(
    cast: Cast, dataset: dict[str, Referral], django_assert_num_queries: Any
) -> None:

    visible = referrals_visible_to(cast.amara)  # reads the roles once
    with django_assert_num_queries(2):  # the referrals, then their people's duos
        figures = selectors.partner_figures(visible, [cast.paris_ngo.pk, cast.lyon_ngo.pk])
    assert _as_dict(figures[cast.paris_ngo.pk]) == PARIS_FIGURES
    assert _as_dict(figures[cast.lyon_ngo.pk]) == dict.fromkeys(PARIS_FIGURES, 0)  # Lyon's people: not Amara's
    national = selectors.partner_figures(referrals_visible_to(cast.nadia), [cast.paris_ngo.pk])
    assert national[cast.paris_ngo.pk].referred == 8
    assert national[cast.paris_ngo.pk].eligible == 6


def test_the_partners_page_shows_scoped_figures(cast: Cast, dataset: dict[str, Referral], client_for: Any) -> None:
    page = client_for(cast.amara).get(reverse("organisations:partners"), **EN)
    rows = {p.slug: _as_dict(f) for p, f in page.context["rows"]}
    assert rows == {"paris-ngo": PARIS_FIGURES}  # the Lyon NGO is not Amara's partner
    lyon = client_for(cast.lucie).get(reverse("organisations:partners"), **EN)
    rows = {p.slug: _as_dict(f) for p, f in lyon.context["rows"]}
    assert rows == {
        "entraide-rhone": {**dict.fromkeys(PARIS_FIGURES, 0), "referred": 1, "eligible": 1, "enrolled": 1, "matched": 1}
    }


def test_the_referrer_sees_only_their_own_organisations_figures(
    cast: Cast, dataset: dict[str, Referral], client_for: Any
) -> None:
    page = client_for(cast.farah).get(reverse("partner_portal"), **EN)
    assert [(p.slug, _as_dict(f)) for p, f in page.context["figures"]] == [
        ("paris-ngo", {**PARIS_FIGURES, "referred": 8, "eligible": 6})  # every person her NGO referred
    ]
    html = page.content.decode()
    assert 'data-figure="referred">8<' in html
    assert "Entraide Rhône" not in html


def test_a_partner_agreement_is_recorded_and_the_period_checked(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    url = reverse("organisations:relation_agreement", args=[cast.paris_ngo.pk])
    bad = client.post(url, {"purpose": "Orientation", "starts_on": "2026-01-01", "ends_on": "2025-01-01"}, **EN)
    assert bad.status_code == 400
    assert "The agreement ends before it starts." in bad.content.decode()
    assert (
        client.post(
            url, {"purpose": "Orientation", "starts_on": "2026-01-01", "document_reference": "CV-1"}
        ).status_code
        == 302
    )
    assert PartnerAgreement.objects.get().document_reference == "CV-1"
    assert client_for(cast.lucie).post(url, {"purpose": "x", "starts_on": "2026-01-01"}).status_code == 404
    # The pages above set the thread's language (French by default): the service speaks English here.
    with translation.override("en"), pytest.raises(Exception, match="sponsorship"):
        services.add_partner_agreement(cast.acme, purpose="x", starts_on=date(2026, 1, 1), actor=cast.amara)


def test_the_partners_page_costs_the_same_queries_with_more_partners(
    cast: Cast, dataset: dict[str, Referral], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    from binome.organisations.models import Organisation

    client = client_for(cast.nadia)
    client.get(reverse("organisations:partners"))
    for n in range(10):
        Organisation.objects.create(name=f"NGO {n}", slug=f"ngo-{n}", kind="ngo", territory=cast.paris)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organisations:partners"))
    assert len(response.context["rows"]) == 12
