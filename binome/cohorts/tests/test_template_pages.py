"""The programme template pages: who may read a template, who may adapt it, and that a
change reaches the next cohort but never a calendar already generated."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from binome.audit.models import AuditEvent
from binome.cohorts.models import CurriculumItem, ItemKind, ProgrammeTemplate
from binome.cohorts.services import clone_template, create_cohort
from binome.cohorts.tests.conftest import Programme

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _item_post(prefix: str, **changes: Any) -> dict[str, Any]:
    data = {
        "kind": ItemKind.CODES_WORKSHOP,
        "title": "Atelier : réseaux sociaux professionnels",
        "offset_days": 45,
        "start_time": "18:00",
        "duration_minutes": 90,
        "audience": "mentees",
    }
    data.update(changes)
    return {f"{prefix}-{name}": value for name, value in data.items()} | {"action": "save"}


def test_a_coordinator_adapts_their_territorys_copy_and_the_next_cohort_follows(
    programme: Programme, client_for: Any
) -> None:
    paris_copy = clone_template(programme.template, territory=programme.cast.paris, name="Binôme Paris")
    client = client_for(programme.cast.amara)
    response = client.post(f"/staff/templates/{paris_copy.pk}/", _item_post("new"), **EN)
    assert response.status_code == 302
    added = paris_copy.items.get(title="Atelier : réseaux sociaux professionnels")
    assert (added.offset_days, added.duration_minutes) == (45, 90)
    assert AuditEvent.objects.filter(verb="saved curriculum item", target_id=str(added.pk), actor=programme.cast.amara)

    # Bad input re-renders with the message and saves nothing.
    response = client.post(f"/staff/templates/{paris_copy.pk}/", _item_post("new", offset_days="soon"), **EN)
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert paris_copy.items.filter(title="Atelier : réseaux sociaux professionnels").count() == 1

    cohort = create_cohort(
        territory=programme.cast.paris,
        name="Paris automne 2027",
        starts_on=date(2027, 9, 6),
        ends_on=date(2028, 3, 6),
        template=paris_copy,
        actor=programme.cast.amara,
    )
    assert cohort.workshops.filter(title="Atelier : réseaux sociaux professionnels").exists()
    # The spring cohort was generated from the national template before: unchanged.
    assert not programme.cohort.workshops.filter(title="Atelier : réseaux sociaux professionnels").exists()

    # Removing an event keeps the workshops generated from it.
    response = client.post(f"/staff/templates/{paris_copy.pk}/", {"item": added.pk, "action": "remove"}, **EN)
    assert response.status_code == 302
    assert not CurriculumItem.objects.filter(pk=added.pk).exists()
    assert cohort.workshops.filter(title="Atelier : réseaux sociaux professionnels", item=None).exists()


def test_a_coordinator_reads_the_national_template_but_cannot_change_it(programme: Programme, client_for: Any) -> None:
    client = client_for(programme.cast.amara)
    page = client.get(f"/staff/templates/{programme.template.pk}/", **EN)
    assert page.status_code == 200
    assert "Journée de formation des mentors" in page.content.decode()
    assert 'name="new-title"' not in page.content.decode()
    before = programme.template.items.count()
    assert client.post(f"/staff/templates/{programme.template.pk}/", _item_post("new"), **EN).status_code == 404
    assert programme.template.items.count() == before
    # A national admin may.
    admin = client_for(programme.cast.nadia)
    assert admin.post(f"/staff/templates/{programme.template.pk}/", _item_post("new"), **EN).status_code == 302
    assert programme.template.items.count() == before + 1


def test_another_territorys_template_is_not_found(programme: Programme, client_for: Any) -> None:
    lyon_copy = clone_template(programme.template, territory=programme.cast.lyon, name="Binôme Lyon")
    client = client_for(programme.cast.amara)
    assert client.get(f"/staff/templates/{lyon_copy.pk}/").status_code == 404
    assert client.post(f"/staff/templates/{lyon_copy.pk}/", _item_post("new")).status_code == 404
    listed = client.get("/staff/templates/", **EN).context["templates"]
    assert lyon_copy not in listed
    assert ProgrammeTemplate.objects.get(pk=programme.template.pk) in listed


def test_the_survey_plan_chooses_the_questionnaires_of_the_next_waves(programme: Programme, client_for: Any) -> None:
    from binome.surveys import services as surveys
    from binome.surveys.models import Wave

    surveys.load_instruments()
    paris_copy = clone_template(programme.template, territory=programme.cast.paris, name="Binôme Paris")
    client = client_for(programme.cast.amara)
    page = client.get(f"/staff/templates/{paris_copy.pk}/", **EN).content.decode()
    assert 'value="mentee_follow12" checked' in page  # nothing chosen yet: every questionnaire

    response = client.post(
        f"/staff/templates/{paris_copy.pk}/",
        {"action": "survey_plan", "instruments": ["mentee_baseline", "mentee_end", "not-a-code"]},
        **EN,
    )
    assert response.status_code == 302
    paris_copy.refresh_from_db()
    assert paris_copy.survey_plan == ["mentee_baseline", "mentee_end"]
    cohort = create_cohort(
        territory=programme.cast.paris,
        name="Paris automne 2027",
        starts_on=date(2027, 9, 6),
        ends_on=date(2028, 3, 6),
        template=paris_copy,
        actor=programme.cast.amara,
    )
    surveys.schedule_waves(cohort)
    assert set(Wave.objects.filter(cohort=cohort).values_list("instrument__code", flat=True)) == {
        "mentee_baseline",
        "mentee_end",
    }
    # Choosing nothing is refused and keeps the plan.
    client.post(f"/staff/templates/{paris_copy.pk}/", {"action": "survey_plan"}, **EN)
    paris_copy.refresh_from_db()
    assert paris_copy.survey_plan == ["mentee_baseline", "mentee_end"]
