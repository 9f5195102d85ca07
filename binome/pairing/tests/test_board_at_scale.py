"""The matching board of a big pool costs what a page of it shows, not what the pool holds.

A pool of hundreds (bulk-created: the services would take minutes), run through the real engine.
The board lists a page of proposals, the first people without a duo and no list of the pool; the
rest comes on demand, with htmx or by a plain link; nothing encrypted is decrypted for it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from binome.cohorts.models import Cohort
from binome.lib.encryption.fields import EncryptedTextField
from binome.pairing import selectors, services
from binome.pairing.models import MatchRun, Proposal
from conftest import PARIS, Cast

from .pool import bulk_pool

pytestmark = pytest.mark.django_db

MENTEES, MENTORS = 180, 240
HTMX = {"HTTP_HX_REQUEST": "true"}
#: The page with fifty rows of six bars and their facts, ten people without a duo on each side.
MAX_BYTES = 160_000
MAX_QUERIES = 20


@pytest.fixture
def big_run(cast: Cast) -> MatchRun:
    cohort = Cohort.objects.create(
        territory=cast.paris,
        name="Paris grand",
        starts_on=date(2027, 1, 15),
        ends_on=date(2027, 7, 15),
        status=Cohort.Status.MATCHING,
    )
    bulk_pool(cohort, company=cast.acme, partner=cast.paris_ngo, place_id=PARIS, mentees=MENTEES, mentors=MENTORS)
    return services.run_matching(cohort, actor=cast.amara)


@pytest.fixture
def decrypted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every encrypted value read from the database while the test runs."""
    seen: list[str] = []
    original = EncryptedTextField.from_db_value

    def counting(self: EncryptedTextField, value: Any, expression: Any, connection: Any) -> Any:
        if value:
            seen.append(self.name)
        return original(self, value, expression, connection)

    monkeypatch.setattr(EncryptedTextField, "from_db_value", counting)
    return seen


def board_url(run: MatchRun) -> str:
    return reverse("pairing:matching_board", kwargs={"pk": run.cohort_id})


def proposal_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="proposal-(\d+)"', page)]


def test_the_board_of_a_big_pool_is_one_page_in_a_fixed_number_of_queries(
    cast: Cast, big_run: MatchRun, client_for: Any, django_assert_max_num_queries: Any, decrypted: list[str]
) -> None:
    client = client_for(cast.amara)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(board_url(big_run))
    page = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < MAX_BYTES
    best = list(big_run.proposals.values_list("pk", flat=True)[: selectors.PAGE_SIZE])  # by score, as listed
    assert big_run.proposals.count() > selectors.PAGE_SIZE
    assert proposal_ids(page) == best
    assert page.count("<meter") == 6 * selectors.PAGE_SIZE
    tools = page.split('id="pair-tools"')[1].split("</div>")[0]
    assert "<select" not in tools  # no list of the pool, a link to it
    assert 'id="open-pair-form"' in tools
    unmatched_mentors = [item for item in big_run.unmatched if item["side"] == "mentor"]
    assert len(unmatched_mentors) > selectors.UNMATCHED_SHOWN
    shown = page.split('id="unmatched-mentors"')[1].split("</section>")[0]
    assert shown.count("<li>") == selectors.UNMATCHED_SHOWN
    assert f"{len(unmatched_mentors)} mentors sans mentoré" in shown
    assert decrypted == []  # names are plain columns: the mentees' protection status stays sealed


def test_the_second_page_lists_the_next_proposals_and_a_decision_there_comes_back_to_it(
    cast: Cast, big_run: MatchRun, client_for: Any
) -> None:
    client = client_for(cast.amara)
    ordered = list(big_run.proposals.values_list("pk", flat=True))
    second = client.get(board_url(big_run), {"page": 2}).content.decode()
    assert proposal_ids(second) == ordered[selectors.PAGE_SIZE : 2 * selectors.PAGE_SIZE]
    assert 'rel="prev"' in second
    assert client.get(board_url(big_run), {"page": "nonsense"}).status_code == 200  # the first page

    target = Proposal.objects.get(pk=ordered[selectors.PAGE_SIZE])
    decide = reverse("pairing:matching_decide", kwargs={"pk": big_run.pk, "proposal": target.pk})
    assert f'formaction="{decide}?page=2"' in second
    plain = client.post(f"{decide}?page=2", {"decision": "accepted"})
    assert plain.status_code == 302
    assert plain["Location"] == f"{board_url(big_run)}?page=2"
    swapped = client.post(f"{decide}?page=2", {"decision": "rejected"}, **HTMX).content.decode()
    assert swapped.lstrip().startswith('<div id="board"')
    assert proposal_ids(swapped) == ordered[selectors.PAGE_SIZE : 2 * selectors.PAGE_SIZE]
    target.refresh_from_db()
    assert target.decision == Proposal.Decision.REJECTED


def test_everyone_without_a_duo_and_the_pool_lists_open_on_demand(
    cast: Cast, big_run: MatchRun, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.amara)
    mentors = sorted(item["id"] for item in big_run.unmatched if item["side"] == "mentor")

    fragment = client.get(board_url(big_run), {"show": "mentor"}, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="unmatched-mentors"')
    assert fragment.count("<li>") == len(mentors)
    plain = client.get(board_url(big_run), {"show": "mentor"}).content.decode()
    assert "<html" in plain
    assert plain.split('id="unmatched-mentors"')[1].split("</section>")[0].count("<li>") == len(mentors)

    with django_assert_max_num_queries(MAX_QUERIES):
        lists = client.get(board_url(big_run), {"show": "pair"}, **HTMX).content.decode()
    assert lists.lstrip().startswith('<div id="pair-tools"')
    mentee_options = re.findall(r'<option value="(\d+)"', lists.split('name="mentor"')[0])
    assert len(mentee_options) == MENTEES
    assert len(re.findall(r'<option value="(\d+)"', lists.split('name="mentor"')[1])) == MENTORS
