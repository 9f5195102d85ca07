"""What the meeting log adds to the company, mentor and mentee home pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from binome.meetings import services
from conftest import Cast

pytestmark = pytest.mark.django_db


def recent_meeting(cast: Cast, *, author: str, by: Any, minutes: int = 90) -> Any:
    return services.record_meeting(
        cast.paris_duo,
        actor=by,
        author=author,
        held_on=timezone.localdate() - timedelta(days=3),
        duration_minutes=minutes,
        mode="in_person",
        topics=["interview"],
    )


def test_the_company_sees_its_employees_hours_but_no_mentee(cast: Cast, client_for: Any) -> None:
    meeting = recent_meeting(cast, author="staff", by=cast.amara, minutes=120)
    services.confirm_meeting(meeting, actor=cast.chloe_user, as_role="mentee")
    page = client_for(cast.hugo).get(reverse("company_portal")).content.decode()
    assert f'id="hours-{cast.acme.pk}"' in page
    assert cast.ben.person.full_name in page
    assert "2,0" in page or "2.0" in page  # two confirmed hours
    assert cast.chloe.person.first_name not in page
    assert cast.chloe.person.last_name not in page


def test_a_meeting_waiting_for_me_shows_on_my_home_page_not_on_the_authors(cast: Cast, client_for: Any) -> None:
    recent_meeting(cast, author="mentor", by=cast.ben_user)
    mentee_home = client_for(cast.chloe_user).get(reverse("mentee_portal")).content.decode()
    assert 'class="to-confirm"' in mentee_home
    assert reverse("meetings:mentee_duo", kwargs={"pk": cast.paris_duo.pk}) in mentee_home
    mentor_home = client_for(cast.ben_user).get(reverse("mentor_portal")).content.decode()
    assert 'class="to-confirm"' not in mentor_home


def test_unconfirmed_meetings_do_not_count_as_hours(cast: Cast, client_for: Any) -> None:
    recent_meeting(cast, author="mentor", by=cast.ben_user, minutes=180)
    page = client_for(cast.hugo).get(reverse("company_portal")).content.decode()
    assert "3,0" not in page
    assert "3.0" not in page


def test_a_survey_due_shows_on_the_members_home_page_and_opens_their_link(cast: Cast, client_for: Any) -> None:
    from binome.surveys import services as surveys
    from binome.surveys.models import Wave

    surveys.load_instruments()
    surveys.schedule_waves(cast.paris_duo.cohort)
    wave = Wave.objects.get(cohort=cast.paris_duo.cohort, instrument__code="mentee_mid")
    Wave.objects.filter(pk=wave.pk).update(
        opens_on=timezone.localdate() - timedelta(days=1), closes_on=timezone.localdate() + timedelta(days=20)
    )
    wave.refresh_from_db()
    surveys.invite_wave(wave, timezone.localdate(), notify=False)
    invitation = wave.invitations.get(person=cast.chloe.person)

    mentee = client_for(cast.chloe_user)
    home = mentee.get(reverse("mentee_portal")).content.decode()
    start = reverse("surveys:start", kwargs={"pk": invitation.pk})
    assert 'id="surveys-due"' in home
    assert start in home
    assert mentee.get(start)["Location"].startswith("/s/")  # a fresh personal link
    assert 'id="surveys-due"' not in client_for(cast.dev_user).get(reverse("mentor_portal")).content.decode()
    # Somebody else's survey is not found.
    assert client_for(cast.leila_user).get(start).status_code == 404
