"""Screening in minutes: the pre-check column and filter, select all (page, filter), decisions from
any open status with the skipped steps recorded, confirmed once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.people.models import MenteeProfile
from binome.people.services import create_mentee_profile, create_person
from binome.sourcing.models import EligibilityRules, Referral, ReferralTransition
from binome.sourcing.services import move_referral, skipped_steps
from binome.sourcing.tests.referral_fixtures import national_rules  # noqa: F401
from conftest import LYON, PARIS, Cast

S = Referral.Status
BOARD = "sourcing:screening_board"
BULK = "sourcing:screening_bulk"


def _referred(cast: Cast, first: str, *, lyon: bool = False, **profile: Any) -> Referral:
    """A received referral whose file passes every national rule unless `profile` says otherwise."""
    territory, place = (cast.lyon, LYON) if lyon else (cast.paris, PARIS)
    person = create_person(
        actor=None, first_name=first, last_name="Test", territory=territory, date_of_birth=date(1990, 1, 1)
    )
    fields = {
        "protection_status": MenteeProfile.ProtectionStatus.REFUGEE,
        "french_level": "B1",
        "home_id": place,
        "available_six_months": True,
        **profile,
    }
    create_mentee_profile(person, actor=None, targets=["M1805"], **fields)
    return Referral.objects.create(person=person, partner=cast.lyon_ngo if lyon else cast.paris_ngo)


@pytest.fixture
def pool(cast: Cast, national_rules: EligibilityRules) -> dict[str, Referral]:  # noqa: F811
    return {
        "amina": _referred(cast, "Amina"),
        "bilal": _referred(cast, "Bilal"),
        "chadi": _referred(cast, "Chadi"),
        "dara": _referred(cast, "Dara", right_to_work=False),  # fails
        "elif": _referred(cast, "Elif", available_six_months=None),  # incomplete
        "lyon": _referred(cast, "Farid", lyon=True),  # passes, but another territory
    }


def test_the_skipped_steps_of_a_decision() -> None:
    assert skipped_steps(S.RECEIVED, S.ELIGIBLE) == [S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED]
    assert skipped_steps(S.INTERVIEW_SCHEDULED, S.WAITLISTED) == [S.INTERVIEWED]
    assert skipped_steps(S.RECEIVED, S.INELIGIBLE) == []  # allowed as it is
    assert skipped_steps(S.WAITLISTED, S.ELIGIBLE) == []
    assert skipped_steps(S.ENROLLED, S.ELIGIBLE) is None  # a decision, not a way back
    assert skipped_steps(S.RECEIVED, S.ENROLLED) is None  # only decisions skip


def test_a_decision_records_each_skipped_step_and_the_precheck_still_holds(
    cast: Cast, pool: dict[str, Referral]
) -> None:
    with pytest.raises(ValidationError, match="pre-check"):
        move_referral(pool["dara"], S.ELIGIBLE, actor=cast.amara, skip=True)
    assert pool["dara"].transitions.count() == 0  # nothing half-written
    with pytest.raises(ValidationError, match="cannot go from"):
        move_referral(pool["amina"], S.ELIGIBLE, actor=cast.amara)  # without skip: one step at a time

    move_referral(pool["amina"], S.ELIGIBLE, actor=cast.amara, skip=True, note="Dossier complet")
    steps = list(pool["amina"].transitions.values_list("from_status", "to_status", "skipped", "actor", "note"))
    assert steps == [
        (S.RECEIVED, S.CONTACTED, True, cast.amara.pk, ""),
        (S.CONTACTED, S.INTERVIEW_SCHEDULED, True, cast.amara.pk, ""),
        (S.INTERVIEW_SCHEDULED, S.INTERVIEWED, True, cast.amara.pk, ""),
        (S.INTERVIEWED, S.ELIGIBLE, False, cast.amara.pk, "Dossier complet"),
    ]
    assert len(set(pool["amina"].transitions.values_list("at", flat=True))) == 1
    move_referral(pool["dara"], S.ELIGIBLE, actor=cast.amara, skip=True, override="Titre en cours")
    assert Referral.objects.get(pk=pool["dara"].pk).precheck_override == "Titre en cours"


def test_the_board_filters_on_the_precheck_and_says_why(cast: Cast, pool: dict[str, Referral], client_for: Any) -> None:
    client = client_for(cast.amara)
    for verdict, expected in [
        ("passes", {"Amina", "Bilal", "Chadi"}),
        ("fails", {"Dara"}),
        ("incomplete", {"Elif"}),
        ("", {"Amina", "Bilal", "Chadi", "Dara", "Elif"}),  # never Lyon's
        ("bogus", {"Amina", "Bilal", "Chadi", "Dara", "Elif", "Chloé"}),  # an odd filter is ignored
    ]:
        response = client.get(reverse(BOARD), {"precheck": verdict, "status": "received"})
        assert response.status_code == 200
        assert {r.person.first_name for r in response.context["rows"]} == expected, verdict
    Referral.objects.filter(pk=pool["bilal"].pk).update(status=S.ENROLLED)
    awaiting = client.get(reverse(BOARD), {"precheck": "passes"}).context["rows"]
    assert {r.person.first_name for r in awaiting} == {"Amina", "Chadi"}  # no status: awaiting a decision only
    page = client.get(reverse(BOARD), {"precheck": "fails"}).content.decode()
    assert 'data-precheck="fails"' in page
    assert "Pas encore autorisé à travailler en France." in page  # the rule's reason, in words
    page = client.get(reverse(BOARD), {"precheck": "incomplete"}).content.decode()
    assert "Pas encore interrogé sur les six mois." in page


def test_the_precheck_bar_groups_the_awaiting_referrals_and_one_decision_takes_a_group(
    cast: Cast, pool: dict[str, Referral], client_for: Any
) -> None:
    gaby = _referred(cast, "Gaby", french_level="A1", right_to_work=False)  # fails two rules
    pool_ids = [r.pk for r in pool.values()] + [gaby.pk]
    Referral.objects.exclude(pk__in=pool_ids).update(status=S.ENROLLED)  # the cast's own: decided
    client = client_for(cast.amara)
    board = client.get(reverse(BOARD))
    groups = {(g.verdict, g.rule): g.count for g in board.context["precheck_groups"]}
    # From the pool's files: three pass, one lacks the six-month answer, Dara and Gaby cannot work
    # yet, Gaby's French is below the minimum (she counts under both rules).
    assert groups == {
        ("passes", ""): 3,
        ("incomplete", ""): 1,
        ("fails", "right_to_work"): 2,
        ("fails", "french_level"): 1,
    }
    page = board.content.decode()
    assert 'data-precheck-group="fails:french_level"' in page
    assert "precheck=fails&amp;failed_rule=french_level" in page
    assert 'name="scope" value="selected" checked' in page  # unfiltered: the ticked ones by default

    chosen = client.get(reverse(BOARD), {"precheck": "fails", "failed_rule": "right_to_work"})
    assert {r.person.first_name for r in chosen.context["rows"]} == {"Dara", "Gaby"}
    assert 'name="scope" value="all" checked' in chosen.content.decode()  # filtered: the whole filter
    back = "precheck=fails&failed_rule=right_to_work"
    asked = client.post(reverse(BULK), {"scope": "all", "decision": S.WAITLISTED, "back": back, "expected": 2})
    assert asked.context["preview"].moving == 2
    client.post(
        reverse(BULK), {"scope": "all", "decision": S.WAITLISTED, "back": back, "expected": 2, "confirmed": "on"}
    )
    assert set(Referral.objects.filter(status=S.WAITLISTED).values_list("person__first_name", flat=True)) == {
        "Dara",
        "Gaby",
    }
    # A rule filter with another verdict is ignored, not an empty list; an odd rule is refused.
    passes = client.get(reverse(BOARD), {"precheck": "passes", "failed_rule": "right_to_work"}).context["rows"]
    assert {r.person.first_name for r in passes} == {"Amina", "Bilal", "Chadi"}
    assert client.get(reverse(BOARD), {"precheck": "fails", "failed_rule": "<b>"}).status_code == 200


def _decide(client: Any, scope: str, **data: Any) -> Any:
    return client.post(reverse(BULK), {"scope": scope, "decision": S.ELIGIBLE, **data}, follow=True)


def test_all_matching_the_filter_across_pages_declared_eligible_after_one_confirmation(
    cast: Cast, pool: dict[str, Referral], client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("binome.portals.views.sourcing.screening.PAGE_SIZE", 2)
    client = client_for(cast.amara)
    board = client.get(reverse(BOARD), {"precheck": "passes", "status": "received"})
    assert board.context["page"].paginator.num_pages == 2
    assert board.context["matching"] == 3
    page = board.content.decode()
    assert "Déclarer éligibles" in page
    assert "Les 3 orientations correspondant à ce filtre" in page

    back = "precheck=passes&status=received"
    asked = _decide(client, "all", back=back, expected=3)
    assert asked.templates[0].name == "portals/sourcing/screening/confirm.html"
    assert asked.context["preview"].moving == 3
    assert "Entretien réalisé" in asked.content.decode()  # a skipped step, named before it happens
    assert not Referral.objects.filter(status=S.ELIGIBLE).exists()  # asked, not done

    done = _decide(client, "all", back=back, expected=3, confirmed="on")
    assert set(Referral.objects.filter(status=S.ELIGIBLE).values_list("person__first_name", flat=True)) == {
        "Amina",
        "Bilal",
        "Chadi",
    }
    assert "3 orientations déplacées." in " ".join(str(m) for m in done.context["messages"])
    assert ReferralTransition.objects.filter(skipped=True, actor=cast.amara).count() == 9
    history = client.get(reverse("sourcing:screening_referral", args=[pool["amina"].pk])).content.decode()
    assert history.count("étape sautée") == 3
    referrer = client_for(cast.farah).get(reverse("sourcing:referral", args=[pool["amina"].pk])).content.decode()
    assert referrer.count("étape sautée") == 3
    assert Referral.objects.get(pk=pool["lyon"].pk).status == S.RECEIVED  # outside her territory


def test_all_matching_asks_again_when_the_count_changed(cast: Cast, pool: dict[str, Referral], client_for: Any) -> None:
    client = client_for(cast.amara)
    response = _decide(client, "all", back="precheck=passes&status=received", expected=5, confirmed="on")
    assert response.context["changed"] is True
    assert response.context["preview"].total == 3
    assert not Referral.objects.filter(status=S.ELIGIBLE).exists()


def test_every_row_of_the_page_without_javascript(cast: Cast, pool: dict[str, Referral], client_for: Any) -> None:
    client = client_for(cast.amara)
    ids = [pool["amina"].pk, pool["bilal"].pk]
    client.post(reverse(BULK), {"scope": "page", "page_ids": ids, "to_status": S.CONTACTED, "back": ""})
    assert set(Referral.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.CONTACTED}
    response = client.post(reverse(BULK), {"scope": "page", "page_ids": [pool["lyon"].pk], "to_status": S.CONTACTED})
    assert response.status_code == 302
    assert Referral.objects.get(pk=pool["lyon"].pk).status == S.RECEIVED


def test_a_bulk_refusal_is_one_line_per_reason(cast: Cast, pool: dict[str, Referral], client_for: Any) -> None:
    Referral.objects.filter(pk__in=[pool["amina"].pk, pool["bilal"].pk]).update(status=S.ENROLLED)
    ids = [pool["amina"].pk, pool["bilal"].pk, pool["chadi"].pk]
    response = _decide(client_for(cast.amara), "selected", selected=ids, confirmed="on")
    lines = [str(m) for m in response.context["messages"]]
    assert len(lines) == 2  # "nothing was moved" and one line for both enrolled referrals
    assert "(2) — Amina Test, Bilal Test" in lines[1] or "(2) — Bilal Test, Amina Test" in lines[1]
    assert Referral.objects.get(pk=pool["chadi"].pk).status == S.RECEIVED


def test_a_decision_from_the_referral_page_in_one_action(
    cast: Cast, pool: dict[str, Referral], client_for: Any
) -> None:
    client = client_for(cast.amara)
    url = reverse("sourcing:screening_referral", args=[pool["elif"].pk])
    page = client.get(url).content.decode()
    assert "Déclarer éligible" in page
    assert "Mettre en liste d&#x27;attente" in page
    refused = client.post(url, {"decision": S.INELIGIBLE, "to_status": S.CONTACTED})
    assert refused.status_code == 200
    assert refused.context["form"].errors["note"]
    client.post(url, {"decision": S.WAITLISTED, "to_status": S.CONTACTED, "note": "Pas de place"})
    referral = Referral.objects.get(pk=pool["elif"].pk)
    assert (referral.status, referral.status_reason) == (S.WAITLISTED, "Pas de place")
    assert client.post(url, {"decision": "matched"}).status_code == 200  # a forged decision: a form error
    assert Referral.objects.get(pk=pool["elif"].pk).status == S.WAITLISTED
