"""Programme templates and the calendars generated from them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from binome.cohorts.models import Cohort, CurriculumItem, ItemKind, ProgrammeTemplate, Resource, Workshop
from binome.cohorts.programme_data import DEFAULT_ITEMS, DEFAULT_TEMPLATE_NAME, create_default_programme
from binome.cohorts.services import create_cohort, update_workshop
from binome.cohorts.tests.conftest import Programme

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def test_the_default_french_programme_exists_with_every_kind_of_curriculum_item() -> None:
    template = ProgrammeTemplate.objects.get(is_default=True)
    assert template.name == DEFAULT_TEMPLATE_NAME
    assert {i.kind for i in template.items.all()} == set(ItemKind.values)
    assert template.items.count() == len(DEFAULT_ITEMS)
    guides = Resource.objects.filter(item__template=template, kind=Resource.Kind.GUIDE)
    assert {r.language for r in guides} == {"fr", "en", "ar"}


def test_creating_the_default_programme_again_changes_nothing() -> None:
    before = CurriculumItem.objects.count(), Resource.objects.count()
    _template, created = create_default_programme(ProgrammeTemplate, CurriculumItem, Resource)
    assert not created
    assert (CurriculumItem.objects.count(), Resource.objects.count()) == before


def test_a_cohort_gets_one_event_per_curriculum_item_on_its_start_plus_the_offset(programme: Programme) -> None:
    items = list(programme.template.items.all())
    workshops = list(programme.cohort.workshops.all())
    assert len(workshops) == len(items)
    for item in items:
        event = next(w for w in workshops if w.item_id == item.pk)
        local = event.starts_at.astimezone(PARIS)
        assert local.date() == date(2027, 3, 1) + timedelta(days=item.offset_days)
        assert local.time() == item.start_time
        assert event.duration_minutes == item.duration_minutes
        assert (event.title, event.kind, event.audience) == (item.title, item.kind, item.audience)
    training = programme.workshop(ItemKind.MENTOR_TRAINING)
    assert training.starts_at.astimezone(PARIS).date() == date(2027, 2, 15)  # 14 days before the start


def test_moving_one_event_does_not_touch_the_template_or_the_other_cohorts(programme: Programme) -> None:
    kick_off = programme.workshop(ItemKind.KICK_OFF)
    item = CurriculumItem.objects.get(pk=kick_off.item_id)
    lyon_kick_off = programme.workshop(ItemKind.KICK_OFF, programme.lyon_cohort)
    moved = datetime(2027, 3, 3, 19, 0, tzinfo=PARIS)

    update_workshop(
        kick_off, actor=programme.cast.amara, starts_at=moved, ends_at=moved + timedelta(hours=2), place="Mairie du 11e"
    )

    kick_off.refresh_from_db()
    assert kick_off.starts_at == moved
    assert kick_off.place == "Mairie du 11e"
    item.refresh_from_db()
    assert (item.offset_days, item.start_time) == (0, time(18, 30))
    lyon_kick_off.refresh_from_db()
    assert lyon_kick_off.starts_at.astimezone(PARIS) == datetime(2027, 3, 1, 18, 30, tzinfo=PARIS)


def test_an_event_cannot_end_before_it_starts(programme: Programme) -> None:
    from django.core.exceptions import ValidationError

    kick_off = programme.workshop(ItemKind.KICK_OFF)
    with pytest.raises(ValidationError):
        update_workshop(kick_off, actor=None, ends_at=kick_off.starts_at - timedelta(hours=1))
    kick_off.refresh_from_db()
    assert kick_off.ends_at > kick_off.starts_at


def test_a_cohort_without_a_template_has_an_empty_calendar(cast: Any) -> None:
    cohort = create_cohort(
        territory=cast.paris,
        name="Sans programme",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 1),
        template=None,
        actor=cast.amara,
    )
    assert not cohort.workshops.exists()


def test_a_coordinator_creates_a_cohort_from_the_template_on_the_page(cast: Any, client_for: Any) -> None:
    template = ProgrammeTemplate.objects.get(is_default=True)
    response = client_for(cast.amara).post(
        "/staff/cohorts/",
        {
            "territory": cast.paris.pk,
            "name": "Paris hiver",
            "starts_on": "2027-01-04",
            "ends_on": "2027-07-05",
            "template": template.pk,
        },
    )
    cohort = Cohort.objects.get(name="Paris hiver")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cohorts/{cohort.pk}/calendar/"
    assert cohort.template == template
    assert cohort.workshops.count() == template.items.count()
    page = client_for(cast.amara).get(response["Location"])
    assert "Lancement de la promotion" in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Paris hiver", "starts_on": "2027-07-05", "ends_on": "2027-01-04"},  # ends before it starts
        {"name": "", "starts_on": "2027-01-04", "ends_on": "2027-07-05"},
        {"name": "Paris hiver", "starts_on": "not a date", "ends_on": "2027-07-05"},
        {"name": "Paris printemps", "starts_on": "2027-01-04", "ends_on": "2027-07-05"},  # the cast's cohort's name
    ],
)
def test_bad_cohort_input_re_renders_the_form_and_creates_nothing(
    cast: Any, client_for: Any, data: dict[str, str]
) -> None:
    before = Cohort.objects.count(), Workshop.objects.count()
    response = client_for(cast.amara).post("/staff/cohorts/", {"territory": cast.paris.pk, **data})
    assert response.status_code == 400
    assert (Cohort.objects.count(), Workshop.objects.count()) == before


def test_a_coordinator_cannot_create_a_cohort_in_another_territory(cast: Any, client_for: Any) -> None:
    response = client_for(cast.amara).post(
        "/staff/cohorts/", {"territory": cast.lyon.pk, "name": "X", "starts_on": "2027-01-04", "ends_on": "2027-07-05"}
    )
    assert response.status_code == 400
    assert not Cohort.objects.filter(name="X").exists()


def test_the_cohort_list_shows_only_the_coordinators_territory(cast: Any, client_for: Any) -> None:
    page = client_for(cast.amara).get("/staff/cohorts/").content.decode()
    assert "Paris printemps" in page
    assert "Lyon printemps" not in page


def test_editing_an_event_on_its_page_with_bad_times_re_renders(programme: Programme, client_for: Any) -> None:
    kick_off = programme.workshop(ItemKind.KICK_OFF)
    client = client_for(programme.cast.amara)
    bad = client.post(
        f"/staff/workshops/{kick_off.pk}/",
        {"title": "Lancement", "day": "2027-03-02", "start_time": "20:00", "end_time": "19:00", "audience": "both"},
    )
    assert bad.status_code == 400
    good = client.post(
        f"/staff/workshops/{kick_off.pk}/",
        {
            "title": "Lancement",
            "day": "2027-03-02",
            "start_time": "18:00",
            "end_time": "20:00",
            "audience": "both",
            "place": "Station F",
            "capacity": "40",
        },
    )
    assert good.status_code == 302
    kick_off.refresh_from_db()
    assert kick_off.starts_at == datetime(2027, 3, 2, 18, 0, tzinfo=PARIS)
    assert (kick_off.place, kick_off.capacity) == ("Station F", 40)
