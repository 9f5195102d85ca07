"""The matching board as a coordinator uses it: plain posts, htmx posts, scoping."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from binome.cohorts.models import Cohort
from binome.pairing import services
from binome.pairing.models import Duo, MatchRun, Proposal
from binome.people.models import MenteeProfile, MentorProfile
from conftest import Cast

from .conftest import SAINT_DENIS, Autumn

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "mode": "coverage_first",
    "w_occupation": "35",
    "w_language": "20",
    "w_distance": "15",
    "w_availability": "15",
    "w_gender_preference": "5",
    "w_meeting_mode": "10",
}
HTMX = {"HTTP_HX_REQUEST": "true"}


def board_url(autumn: Autumn) -> str:
    return reverse("pairing:matching_board", kwargs={"pk": autumn.cohort.pk})


def test_the_cohort_list_shows_how_many_people_wait(cast: Cast, autumn: Autumn, client_for: Any) -> None:
    page = client_for(cast.amara).get(reverse("pairing:matching")).content.decode()
    assert "Paris automne" in page
    assert "Lyon printemps" not in page  # Lucie's cohort


def test_running_the_matching_from_the_board_shows_duos_bars_and_reasons(
    cast: Cast, autumn: Autumn, client_for: Any
) -> None:
    client = client_for(cast.amara)
    response = client.post(board_url(autumn), WEIGHTS)
    assert response.status_code == 302
    page = client.get(board_url(autumn)).content.decode()
    assert MatchRun.objects.get(cohort=autumn.cohort).proposals.count() == 3
    assert "Samir Mentee" in page
    assert "Inès Mentor" in page
    assert page.count("<meter") == 3 * 6  # one bar per criterion per duo
    assert "Ali Mentee" in page
    assert "working language at B1" in page or "langue de travail" in page  # the reason, translated or not
    assert "Tom Mentor" in page  # untrained, listed with the reason


def test_an_htmx_post_returns_only_the_board(cast: Cast, autumn: Autumn, client_for: Any) -> None:
    response = client_for(cast.amara).post(board_url(autumn), WEIGHTS, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="board"')
    assert "<html" not in body


def test_bad_weights_re_render_with_a_message_and_run_nothing(cast: Cast, autumn: Autumn, client_for: Any) -> None:
    zero = {**WEIGHTS, **{key: "0" for key in WEIGHTS if key.startswith("w_")}}
    response = client_for(cast.amara).post(board_url(autumn), zero)
    assert response.status_code == 422
    assert not MatchRun.objects.exists()
    garbage = {**WEIGHTS, "w_distance": "lots", "mode": "fastest"}
    response = client_for(cast.amara).post(board_url(autumn), garbage)
    assert response.status_code == 422
    assert not MatchRun.objects.exists()


def test_reject_rerun_and_confirm_through_the_pages(cast: Cast, autumn: Autumn, client_for: Any) -> None:
    client = client_for(cast.amara)
    client.post(board_url(autumn), WEIGHTS)
    run = MatchRun.objects.get(cohort=autumn.cohort)
    samir = run.proposals.get(mentee=autumn.samir)
    url = reverse("pairing:matching_decide", kwargs={"pk": run.pk, "proposal": samir.pk})
    assert client.post(url, {"decision": "rejected"}, **HTMX).status_code == 200
    samir.refresh_from_db()
    assert samir.decision == Proposal.Decision.REJECTED

    client.post(board_url(autumn), WEIGHTS)  # re-run
    latest = MatchRun.objects.get(cohort=autumn.cohort, status=MatchRun.Status.PROPOSED)
    assert latest.number == 2
    assert not latest.proposals.filter(mentee=autumn.samir, mentor=autumn.ines).exists()

    confirm_url = reverse("pairing:matching_confirm", kwargs={"pk": latest.pk})
    response = client.post(confirm_url, {"duos": latest.proposals.count()})
    assert response.status_code == 302
    assert Duo.objects.filter(cohort=autumn.cohort).count() == latest.proposals.count()
    again = client.post(confirm_url, {"duos": latest.proposals.count()}, follow=True)
    assert Duo.objects.filter(cohort=autumn.cohort).count() == latest.proposals.count()
    assert "déjà confirm" in again.content.decode() or "already confirmed" in again.content.decode()


def test_what_a_pin_costs_is_shown_and_a_refused_pin_explains_why(cast: Cast, autumn: Autumn, client_for: Any) -> None:
    client = client_for(cast.amara)
    client.post(board_url(autumn), WEIGHTS)
    run = MatchRun.objects.get(cohort=autumn.cohort)
    url = reverse("pairing:matching_pair", kwargs={"pk": run.pk})
    shown = client.post(url, {"mentee": autumn.yara.pk, "mentor": autumn.ines.pk, "rule": "cost"}, **HTMX)
    assert 'id="pin-cost"' in shown.content.decode()
    refused = client.post(url, {"mentee": autumn.samir.pk, "mentor": autumn.tom.pk, "rule": "pin"}, **HTMX)
    assert refused.status_code == 422
    run.refresh_from_db()
    assert run.pins == []
    unknown = client.post(url, {"mentee": 999999, "mentor": autumn.ines.pk, "rule": "pin"})
    assert unknown.status_code == 422


def test_swapping_through_the_page_needs_exactly_two_ticks(cast: Cast, autumn: Autumn, client_for: Any) -> None:
    client = client_for(cast.amara)
    client.post(board_url(autumn), WEIGHTS)
    run = MatchRun.objects.get(cohort=autumn.cohort)
    samir, yara = run.proposals.get(mentee=autumn.samir), run.proposals.get(mentee=autumn.yara)
    url = reverse("pairing:matching_swap", kwargs={"pk": run.pk})
    once = client.post(url, {"proposal": [samir.pk]}, follow=True).content.decode()
    assert once.count("Cochez exactement deux binômes") == 1  # the page's flash, not the board's too
    samir.refresh_from_db()
    assert samir.mentor_id == autumn.ines.pk
    client.post(url, {"proposal": [samir.pk, yara.pk]})
    samir.refresh_from_db()
    assert samir.mentor_id == autumn.omar.pk


def test_comparing_two_runs_lists_what_changed(cast: Cast, autumn: Autumn, client_for: Any) -> None:
    first = services.run_matching(autumn.cohort, actor=cast.amara)
    services.decide(first.proposals.get(mentee=autumn.samir), "rejected", actor=cast.amara)
    services.rerun(first, actor=cast.amara)
    page = client_for(cast.amara).get(reverse("pairing:matching_compare", kwargs={"pk": autumn.cohort.pk}))
    assert page.status_code == 200
    assert "Samir Mentee" in page.content.decode()
    missing = client_for(cast.amara).get(
        reverse("pairing:matching_compare", kwargs={"pk": autumn.cohort.pk}), {"a": "99"}
    )
    assert missing.status_code == 404


def test_a_lyon_coordinator_gets_404_on_every_paris_matching_action(
    cast: Cast, autumn: Autumn, client_for: Any
) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    proposal = run.proposals.first()
    assert proposal is not None
    client = client_for(cast.lucie)
    assert client.get(board_url(autumn)).status_code == 404
    assert client.post(board_url(autumn), WEIGHTS).status_code == 404
    for name, kwargs, data in [
        ("pairing:matching_decide", {"pk": run.pk, "proposal": proposal.pk}, {"decision": "rejected"}),
        ("pairing:matching_swap", {"pk": run.pk}, {"proposal": [proposal.pk]}),
        ("pairing:matching_pair", {"pk": run.pk}, {"mentee": autumn.samir.pk, "mentor": autumn.ines.pk, "rule": "pin"}),
        ("pairing:matching_confirm", {"pk": run.pk}, {}),
    ]:
        assert client.post(reverse(name, kwargs=kwargs), data).status_code == 404, name
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PROPOSED
    assert run.pins == []
    assert not Duo.objects.filter(cohort=autumn.cohort).exists()


def test_mentors_and_referrers_cannot_post_to_the_board(cast: Cast, autumn: Autumn, client_for: Any) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    for user in (cast.ben_user, cast.farah, cast.hugo, cast.chloe_user):
        assert client_for(user).post(reverse("pairing:matching_confirm", kwargs={"pk": run.pk})).status_code == 404
    assert not Duo.objects.filter(cohort=autumn.cohort).exists()


def test_the_board_query_count_does_not_grow_with_the_duos(
    cast: Cast, autumn: Autumn, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    services.run_matching(autumn.cohort, actor=cast.amara)
    client = client_for(cast.amara)
    with django_assert_max_num_queries(20):
        assert client.get(board_url(autumn)).status_code == 200


def row_of(page: str, proposal: Proposal) -> str:
    start = page.index(f'id="proposal-{proposal.pk}"')
    return page[start : page.index("</tr>", start)]


def test_each_proposed_duo_reads_as_jobs_km_languages_hours_and_points(
    cast: Cast, autumn: Autumn, client_for: Any
) -> None:
    MenteeProfile.objects.filter(pk=autumn.samir.pk).update(availability=["mon_am", "wed_eve", "fri_pm"])
    MentorProfile.objects.filter(pk__in=[autumn.ines.pk, autumn.omar.pk]).update(
        availability=["wed_eve", "fri_pm", "sat_am"], workplace_id=SAINT_DENIS
    )
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    samir = run.proposals.get(mentee=autumn.samir)
    row = row_of(client_for(cast.amara).get(board_url(autumn)).content.decode(), samir)
    assert "Métier visé : Développeur / Développeuse informatique" in row  # M1805, from the reference data
    assert "Métier : même métier" in row
    assert "Distance : 108 km" in row  # Paris to Saint-Étienne-du-Rouvray, as the crow flies
    assert "Français (B1 / Langue maternelle)" in row
    assert "Disponibles tous les deux : 6 h par semaine (Mercredi soir, Vendredi après-midi)" in row
    points = [int(p) for p in re.findall(r'class="bar-value">(\d+) / \d+ pts', row)]
    assert len(points) == 6
    assert abs(sum(points) - round(samir.score * 100)) <= 3  # the points add up to the score shown
    assert "title=" not in row.split('class="bars"')[1]  # values are text, not tooltips


def test_confirming_asks_once_with_the_count_and_the_emails_then_creates_the_duos(
    cast: Cast, autumn: Autumn, client_for: Any
) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    client = client_for(cast.amara)
    url = reverse("pairing:matching_confirm", kwargs={"pk": run.pk})
    assert f'href="{url}"' in client.get(board_url(autumn)).content.decode()  # the board's button asks first
    page = client.get(url).content.decode()
    assert "Confirmer 3 binômes ?" in page
    assert "Un email sera envoyé à 3 mentorés et 2 mentors." in page  # Inès takes two mentees
    assert client.post(url, {}).status_code == 200  # a post that was not asked: the question again
    stale = client.post(url, {"duos": "2"})
    assert stale.status_code == 422
    assert "Le tableau a changé" in stale.content.decode()
    assert not Duo.objects.filter(cohort=autumn.cohort).exists()
    assert client.post(url, {"duos": "3"}).status_code == 302
    assert Duo.objects.filter(cohort=autumn.cohort).count() == 3


def test_a_refused_pin_shows_its_reason_in_place_for_htmx_and_on_a_plain_post(
    cast: Cast, autumn: Autumn, client_for: Any
) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    client = client_for(cast.amara)
    url = reverse("pairing:matching_pair", kwargs={"pk": run.pk})
    infeasible = {"mentee": autumn.samir.pk, "mentor": autumn.tom.pk, "rule": "pin"}
    swapped = client.post(url, infeasible, **HTMX)
    assert swapped.status_code == 422
    assert (swapped["HX-Retarget"], swapped["HX-Reswap"]) == ("#board", "outerHTML")
    fragment = swapped.content.decode()
    assert fragment.lstrip().startswith('<div id="board"')
    assert 'id="error-summary"' in fragment
    assert "formation" in fragment
    plain = client.post(url, infeasible)
    assert plain.status_code == 422
    assert 'id="error-summary"' in plain.content.decode()
    assert "<html" in plain.content.decode()
    # htmx swaps a 422 only because the page's configuration says so
    assert '{"code":"422","swap":true,"error":false}' in client.get(board_url(autumn)).content.decode()


def test_a_cohort_reads_upcoming_in_progress_then_finished_whatever_its_workflow(
    cast: Cast, autumn: Autumn, client_for: Any
) -> None:
    services.confirm_match_run(services.run_matching(autumn.cohort, actor=cast.amara), actor=cast.amara)
    autumn.cohort.refresh_from_db()
    assert autumn.cohort.status == "running"  # confirmed six weeks ahead
    client = client_for(cast.amara)
    today = timezone.localdate()
    for starts, ends, label in [(42, 200, "À venir"), (-10, 170, "En cours"), (-200, -3, "Terminée")]:
        Cohort.objects.filter(pk=autumn.cohort.pk).update(
            starts_on=today + timedelta(days=starts), ends_on=today + timedelta(days=ends)
        )
        assert f"· {label} ·" in client.get(board_url(autumn)).content.decode(), label
    Cohort.objects.filter(pk=autumn.cohort.pk).update(status=Cohort.Status.CLOSED)
    assert "· Clôturée ·" in client.get(board_url(autumn)).content.decode()  # closing is a decision: it shows
