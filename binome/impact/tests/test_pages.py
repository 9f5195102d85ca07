from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from binome.impact import services
from binome.impact.models import Outcome, OutcomeConflict, Source
from binome.pairing.models import Duo

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel("2026-10-01 10:00 +0200", tick=False):
        yield


@pytest.fixture
def met(cast):
    f.add_meetings(cast.paris_duo, 2)
    f.add_meetings(cast.lyon_duo, 2)
    Duo.objects.filter(pk__in=[cast.paris_duo.pk, cast.lyon_duo.pk]).update(status="completed")
    Outcome.objects.create(person=cast.leila.person, kind="cdi", date=date(2026, 7, 1), source=Source.STAFF)
    return cast


def test_staff_record_an_outcome_and_bad_input_re_renders(met, client_for):
    client = client_for(met.amara)
    url = f"/staff/people/{met.chloe.person_id}/outcomes/"
    bad = client.post(url, {"kind": "cdi", "date": "2027-01-01", "occupation": "ZZZZZ"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert b"cannot be dated in the future" in bad.content
    assert b"No ROME occupation" in bad.content
    ok = client.post(
        url, {"kind": "cdi", "date": "2026-08-01", "occupation": "m1805", "sector": "62", "duo": met.paris_duo.pk}
    )
    assert ok.status_code == 302
    outcome = Outcome.objects.get(person=met.chloe.person)
    assert (outcome.occupation_id, outcome.sector_id, outcome.duo, outcome.recorded_by) == (
        "M1805",
        "62",
        met.paris_duo,
        met.amara,
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert b"Permanent contract (CDI)" in page.content
    edit = client.post(f"/staff/outcomes/{outcome.pk}/edit/", {"kind": "cdd", "date": "2026-08-02"})
    assert edit.status_code == 302
    outcome.refresh_from_db()
    assert outcome.kind == "cdd"
    # Lucie (Lyon) cannot open or change Chloé's outcomes.
    lucie = client_for(met.lucie)
    assert lucie.get(url).status_code == 404
    assert lucie.post(f"/staff/outcomes/{outcome.pk}/delete/").status_code == 404
    assert client_for(met.amara).post(f"/staff/outcomes/{outcome.pk}/delete/").status_code == 302
    assert not Outcome.objects.filter(pk=outcome.pk).exists()


def test_conflicts_page_and_decision(met, client_for):
    staff = services.record_outcome(
        actor=met.amara, person=met.chloe.person, kind="cdd", date=date(2026, 8, 1), source=Source.STAFF
    )
    services.record_outcome(actor=None, person=met.chloe.person, kind="cdd", date=date(2026, 6, 1), source="survey")
    conflict = OutcomeConflict.objects.get()
    assert client_for(met.lucie).get("/staff/impact/conflicts/").content.count(b"Chlo") == 0
    page = client_for(met.amara).get("/staff/impact/conflicts/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"Keep both" in page.content
    assert "Chloé".encode() in page.content
    assert (
        client_for(met.lucie).post(f"/staff/impact/conflicts/{conflict.pk}/", {"decision": "keep_both"}).status_code
        == 404
    )
    response = client_for(met.amara).post(f"/staff/impact/conflicts/{conflict.pk}/", {"decision": "keep_staff"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    staff.refresh_from_db()
    assert conflict.decision == "keep_staff"
    assert staff.status == Outcome.Status.ACTIVE


def test_dashboard_draws_svg_and_traces_within_scope(met, client_for):
    amara = client_for(met.amara)
    page = amara.get("/staff/impact/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert b"<script" not in page.content.split(b"<main")[1]
    assert b"kpi=opportunity&amp;part=numerator" in page.content
    # Amara's figures are Paris's only: Leïla's CDI (Lyon) is not counted.
    people = amara.get("/staff/impact/people/?kpi=opportunity&part=denominator", HTTP_ACCEPT_LANGUAGE="en")
    assert "Chloé".encode() in people.content
    assert "Leïla".encode() not in people.content
    nadia = client_for(met.nadia).get("/staff/impact/people/?kpi=opportunity&part=numerator")
    assert "Leïla".encode() in nadia.content
    assert "Chloé".encode() not in nadia.content
    assert client_for(met.nadia).get("/staff/impact/people/?kpi=nope&part=numerator").status_code == 404
    national = client_for(met.nadia).get("/staff/impact/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"Territories side by side" in national.content


def test_company_page_shows_aggregates_without_names(met, client_for):
    page = client_for(met.hugo).get("/company/impact/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Chloé".encode() not in page.content
    assert b"Haddad" not in page.content
    assert b"staff/impact/people" not in page.content


def test_svg_numbers_stay_numbers_in_french(met, client_for):
    page = client_for(met.nadia).get("/staff/impact/", HTTP_ACCEPT_LANGUAGE="fr")
    assert b"<svg" in page.content
    svg = page.content.split(b"<svg", 1)[1].split(b"</svg>", 1)[0]
    assert not re.search(rb'(width|height|x|y)="\d+,\d', svg)
