"""Staff screening pages: the board, filters, bulk moves and a referral's page, scoped by territory."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from binome.cohorts.models import Cohort
from binome.sourcing.models import EligibilityRules, Referral
from binome.sourcing.tests.referral_fixtures import national_rules  # noqa: F401
from conftest import Cast

S = Referral.Status


@pytest.fixture
def screening(cast: Cast, national_rules: EligibilityRules) -> Cast:  # noqa: F811
    Referral.objects.filter(pk=cast.chloe_referral.pk).update(status=S.INTERVIEWED)
    Referral.objects.filter(pk=cast.leila_referral.pk).update(status=S.RECEIVED)
    cast.chloe.person.date_of_birth = date(1995, 5, 1)
    cast.chloe.person.save()
    cast.chloe.available_six_months = True
    cast.chloe.save()
    return cast


def test_the_board_counts_each_stage_and_lists_only_the_coordinators_territory(
    screening: Cast, client_for: Any
) -> None:
    response = client_for(screening.amara).get(reverse("sourcing:screening_board"))
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts[S.INTERVIEWED] == 1
    assert counts[S.RECEIVED] == 0
    page = response.content.decode()
    assert "Chloé Haddad" in page
    assert "Leïla" not in page

    national = client_for(screening.nadia).get(reverse("sourcing:screening_board")).context
    assert national["total"] == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=interviewed", 1),
        ("status=received", 0),
        ("q=haddad", 1),
        ("q=nobody", 0),
        ("domain=M", 1),
        ("domain=G", 0),
        ("language=ar", 1),
        ("language=de", 0),
        ("french_level=B1", 1),
        ("french_level=C2", 0),
        ("partner=public", 0),
        ("status=bogus&french_level=ZZ", 1),  # odd input: the filter is ignored, never a 500
    ],
)
def test_the_board_filters(screening: Cast, client_for: Any, query: str, expected: int) -> None:
    response = client_for(screening.amara).get(reverse("sourcing:screening_board") + "?" + query)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == expected


def test_the_partner_filter(screening: Cast, client_for: Any) -> None:
    url = reverse("sourcing:screening_board") + f"?partner={screening.paris_ngo.pk}"
    assert len(client_for(screening.nadia).get(url).context["page"].object_list) == 1


def test_a_coordinator_moves_a_referral_from_its_page(screening: Cast, client_for: Any) -> None:
    client = client_for(screening.amara)
    url = reverse("sourcing:screening_referral", args=[screening.chloe_referral.pk])
    page = client.get(url).content.decode()
    assert 'id="precheck"' in page
    assert 'value="eligible"' in page
    assert 'value="matched"' not in page  # set by the programme, never offered
    response = client.post(url, {"to_status": "eligible", "note": "Entretien positif"})
    assert response.status_code == 302
    referral = Referral.objects.get(pk=screening.chloe_referral.pk)
    assert referral.status == S.ELIGIBLE
    transition = referral.transitions.get()
    assert (transition.actor, transition.note) == (screening.amara, "Entretien positif")
    history = client.get(url).content.decode()
    assert "amara@binome.test" in history
    assert "Entretien positif" in history


def test_the_override_is_asked_for_on_the_page_when_a_rule_fails(screening: Cast, client_for: Any) -> None:
    screening.chloe.right_to_work = False
    screening.chloe.save()
    client = client_for(screening.amara)
    url = reverse("sourcing:screening_referral", args=[screening.chloe_referral.pk])
    response = client.post(url, {"to_status": "eligible"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Referral.objects.get(pk=screening.chloe_referral.pk).status == S.INTERVIEWED
    client.post(url, {"to_status": "eligible", "override": "Titre de séjour renouvelé la semaine prochaine"})
    referral = Referral.objects.get(pk=screening.chloe_referral.pk)
    assert referral.status == S.ELIGIBLE
    assert referral.precheck_override.startswith("Titre")


def test_enrolling_offers_the_cohorts_of_the_territory(screening: Cast, client_for: Any) -> None:
    Referral.objects.filter(pk=screening.chloe_referral.pk).update(status=S.ELIGIBLE)
    cohort = Cohort.objects.create(
        territory=screening.paris, name="Paris automne", starts_on=date(2026, 10, 1), ends_on=date(2027, 4, 1)
    )
    client = client_for(screening.amara)
    url = reverse("sourcing:screening_referral", args=[screening.chloe_referral.pk])
    response = client.get(url)
    assert list(response.context["form"].fields["cohort"].queryset) == [cohort, screening.paris_duo.cohort]
    client.post(url, {"to_status": "enrolled", "cohort": cohort.pk})
    assert Referral.objects.get(pk=screening.chloe_referral.pk).cohort == cohort


def test_a_coordinator_cannot_open_or_move_another_territorys_referral(screening: Cast, client_for: Any) -> None:
    client = client_for(screening.amara)
    url = reverse("sourcing:screening_referral", args=[screening.leila_referral.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"to_status": "contacted"}).status_code == 404
    client.post(
        reverse("sourcing:screening_bulk"), {"selected": [screening.leila_referral.pk], "to_status": "contacted"}
    )
    assert Referral.objects.get(pk=screening.leila_referral.pk).status == S.RECEIVED
    assert client_for(screening.farah).get(reverse("sourcing:screening_board")).status_code == 403


def test_a_bulk_move_that_fails_on_one_moves_none_and_names_it(screening: Cast, client_for: Any) -> None:
    client = client_for(screening.nadia)
    ids = [screening.chloe_referral.pk, screening.leila_referral.pk]
    response = client.post(reverse("sourcing:screening_bulk"), {"selected": ids, "to_status": "contacted"}, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Chloé Haddad" in text
    assert "Leïla" not in text
    assert Referral.objects.get(pk=screening.leila_referral.pk).status == S.RECEIVED

    response = client.post(
        reverse("sourcing:screening_bulk"),
        {"selected": ids, "to_status": "left", "note": "Plus de nouvelles"},
        follow=True,
    )
    assert set(Referral.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.LEFT}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"selected": ["x", "-1"], "to_status": "contacted"},
        {"selected": [1]},
        # str.isdigit() accepts superscripts and Arabic-Indic digits, which int() refuses (CI, 12-03)
        {"selected": ["²", "٣", "9" * 32], "to_status": "contacted"},
    ],
)
def test_odd_bulk_input_gives_a_message_not_an_error(screening: Cast, client_for: Any, data: dict[str, Any]) -> None:
    response = client_for(screening.nadia).post(reverse("sourcing:screening_bulk"), data, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_the_rules_are_shown_read_only_on_the_board_and_the_referral_page(screening: Cast, client_for: Any) -> None:
    EligibilityRules.objects.create(territory=screening.paris, min_french_level="B1", min_age=21, max_age=55)
    client = client_for(screening.nadia)
    board = client.get(reverse("sourcing:screening_board")).content.decode()
    assert "21 à 55" in board or "from 21 to 55" in board  # Paris's own rules
    assert "Lyon" in board
    page = client.get(reverse("sourcing:screening_referral", args=[screening.chloe_referral.pk])).content.decode()
    assert "21 à 55" in page or "from 21 to 55" in page
