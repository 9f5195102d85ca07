"""The meeting log and a duo's life, as its members and its coordinator use them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from binome.audit.models import AuditEvent
from binome.meetings import selectors, services
from binome.meetings.models import Meeting
from binome.pairing import duo_life, engine
from binome.pairing.models import Duo
from binome.sourcing.models import Referral
from conftest import Cast

pytestmark = pytest.mark.django_db

MEETING = {
    "held_on": "2026-04-10",
    "duration_minutes": "90",
    "mode": "in_person",
    "topics": ["cv", "codes"],
    "note": "Relecture du CV",
}


def test_a_mentee_logs_a_meeting_and_the_mentor_confirms_it_in_one_tap(cast: Cast, client_for: Any) -> None:
    duo = cast.paris_duo
    mentee = client_for(cast.chloe_user)
    response = mentee.post(reverse("meetings:mentee_log_meeting", kwargs={"pk": duo.pk}), MEETING)
    assert response.status_code == 302
    meeting = Meeting.objects.get(duo=duo)
    assert (meeting.recorded_as, meeting.is_confirmed, meeting.recorded_by) == ("mentee", False, cast.chloe_user)
    assert meeting.topics == ["cv", "codes"]

    mentor = client_for(cast.ben_user)
    page = mentor.get(reverse("meetings:mentor_duo", kwargs={"pk": duo.pk})).content.decode()
    assert "confirm-meeting" in page
    mentor.post(reverse("meetings:mentor_confirm_meeting", kwargs={"pk": duo.pk, "meeting": meeting.pk}))
    meeting.refresh_from_db()
    assert meeting.is_confirmed
    assert meeting.confirmed_by == cast.ben_user
    assert AuditEvent.objects.filter(verb="confirmed meeting", actor=cast.ben_user).exists()


def test_the_author_of_a_meeting_cannot_confirm_it_alone(cast: Cast, client_for: Any) -> None:
    meeting = services.record_meeting(
        cast.paris_duo,
        actor=cast.chloe_user,
        author="mentee",
        held_on=date(2026, 4, 10),
        duration_minutes=60,
        mode="video",
        topics=["french"],
    )
    with pytest.raises(ValidationError):
        services.confirm_meeting(meeting, actor=cast.chloe_user, as_role="mentee")
    client_for(cast.chloe_user).post(
        reverse("meetings:mentee_confirm_meeting", kwargs={"pk": cast.paris_duo.pk, "meeting": meeting.pk})
    )
    meeting.refresh_from_db()
    assert not meeting.is_confirmed


def test_a_meeting_in_the_future_or_without_topic_re_renders_and_saves_nothing(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.chloe_user)
    url = reverse("meetings:mentee_log_meeting", kwargs={"pk": cast.paris_duo.pk})
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(url, {**MEETING, "held_on": future})
    assert response.status_code == 422
    assert "Cette date est à venir" in response.content.decode()  # the page speaks French by default
    response = client.post(url, {**MEETING, "topics": []})
    assert response.status_code == 422
    response = client.post(url, {**MEETING, "duration_minutes": "99999", "held_on": "not a date"})
    assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_the_mentees_form_comes_first_and_its_errors_are_summed_up_at_the_top(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.chloe_user)
    url = reverse("meetings:mentee_duo", kwargs={"pk": cast.paris_duo.pk})
    page = client.get(url).content.decode()
    assert page.index('id="log-meeting"') < page.index('id="meetings"')  # the action above the history
    assert page.count('name="mode"') == len(Meeting.Mode.choices)  # no "choose an option" radio
    assert 'value=""' not in page[page.index('name="mode"') - 200 : page.index('id="record-meeting"')]

    failed = client.post(
        reverse("meetings:mentee_log_meeting", kwargs={"pk": cast.paris_duo.pk}), {**MEETING, "topics": []}
    )
    html = failed.content.decode()
    assert failed.status_code == 422
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert (
        "autofocus"
        in html[html.index("<div", html.index('id="error-summary"') - 80) : html.index('id="error-summary"') + 60]
    )
    assert 'href="#id_topics"' in summary  # each error links to its field
    assert 'action="/mentee/duos/' in html
    assert '#log-meeting"' in html  # a failed save comes back to the form, not the top of the page


def test_a_second_meeting_on_the_same_day_is_asked_about_before_it_is_saved(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.chloe_user)
    url = reverse("meetings:mentee_log_meeting", kwargs={"pk": cast.paris_duo.pk})
    assert client.post(url, MEETING).status_code == 302
    again = client.post(url, MEETING)
    assert again.status_code == 422
    assert "Une rencontre est déjà enregistrée ce jour-là" in again.content.decode()
    assert 'type="checkbox" name="another_meeting"' in again.content.decode()
    assert Meeting.objects.filter(duo=cast.paris_duo).count() == 1
    confirmed = client.post(url, {**MEETING, "another_meeting": "on"})
    assert confirmed.status_code == 302
    assert Meeting.objects.filter(duo=cast.paris_duo).count() == 2
    other_day = client.post(url, {**MEETING, "held_on": "2026-04-11"})
    assert other_day.status_code == 302  # another day: no question


def test_staff_entries_wait_for_a_members_confirmation_and_hours_add_up(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    client.post(reverse("meetings:staff_log_meeting", kwargs={"pk": cast.paris_duo.pk}), MEETING)
    client.post(
        reverse("meetings:staff_log_meeting", kwargs={"pk": cast.paris_duo.pk}),
        {**MEETING, "held_on": "2026-05-02", "duration_minutes": "60"},
    )
    assert not Meeting.objects.filter(confirmed_at__isnull=False).exists()  # a coordinator's word alone
    ben = cast.ben
    ben.trained_on = date(2026, 2, 20)
    ben.save()
    start, end = selectors.period_of(cast.paris_duo.cohort)
    assert selectors.mentor_hours(ben, start=start, end=end).meetings == 0
    with pytest.raises(ValidationError):
        services.confirm_meeting(Meeting.objects.first(), actor=cast.amara, as_role="staff")
    for meeting in Meeting.objects.all():  # either member confirms a coordinator's entry
        services.confirm_meeting(meeting, actor=cast.chloe_user, as_role="mentee")
    hours = selectors.mentor_hours(ben, start=start, end=end)
    assert hours.training == 7
    assert hours.meetings == pytest.approx(2.5)
    assert hours.total == pytest.approx(9.5)
    assert hours.percent == round(100 * 9.5 / 21)
    company = selectors.company_hours(cast.acme, start=start, end=end)
    assert company.total == pytest.approx(9.5)


def test_company_hours_take_a_fixed_number_of_queries(cast: Cast, django_assert_num_queries: Any) -> None:
    start, end = selectors.period_of(cast.paris_duo.cohort)
    # The employees, then the ledger: their employers, training days, cohorts, meetings, workshops.
    with django_assert_num_queries(6):
        selectors.company_hours(cast.acme, start=start, end=end)


def test_a_paused_duo_cannot_log_meetings_and_pausing_needs_a_reason(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="reason"):
        duo_life.change_duo_status(cast.paris_duo, Duo.Status.PAUSED, actor=cast.amara)
    duo_life.change_duo_status(cast.paris_duo, Duo.Status.PAUSED, actor=cast.amara, reason="Déménagement")
    with pytest.raises(ValidationError, match="active"):
        services.record_meeting(
            cast.paris_duo,
            actor=cast.chloe_user,
            author="mentee",
            held_on=date(2026, 4, 10),
            duration_minutes=60,
            mode="video",
            topics=["french"],
        )
    duo_life.change_duo_status(cast.paris_duo, Duo.Status.ACTIVE, actor=cast.amara)
    cast.paris_duo.refresh_from_db()
    assert cast.paris_duo.status == Duo.Status.ACTIVE


def test_ending_early_keeps_the_history_and_puts_the_mentee_back_in_the_pool(cast: Cast) -> None:
    cast.chloe_referral.cohort = cast.paris_duo.cohort
    cast.chloe_referral.save()
    duo_life.change_duo_status(cast.paris_duo, Duo.Status.ENDED_EARLY, actor=cast.amara, reason="Mentor muté")
    cast.paris_duo.refresh_from_db()
    assert cast.paris_duo.end_reason == "Mentor muté"
    assert cast.paris_duo.ended_on == timezone.localdate()
    cast.chloe_referral.refresh_from_db()
    assert cast.chloe_referral.status == Referral.Status.ENROLLED
    assert cast.chloe in engine.mentee_pool(cast.paris_duo.cohort)
    # Re-pairing in the same cohort: the old duo stays as history.
    Duo.objects.create(cohort=cast.paris_duo.cohort, mentor=cast.ben, mentee=cast.chloe, started_on=date(2026, 6, 1))
    assert Duo.objects.filter(mentee=cast.chloe).count() == 2
    with pytest.raises(ValidationError):
        duo_life.change_duo_status(cast.paris_duo, Duo.Status.ACTIVE, actor=cast.amara)


def test_completing_a_duo_completes_the_referral(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).post(
        reverse("meetings:staff_duo_status", kwargs={"pk": cast.paris_duo.pk}), {"status": "completed", "reason": ""}
    )
    assert response.status_code == 302
    cast.chloe_referral.refresh_from_db()
    assert cast.chloe_referral.status == Referral.Status.COMPLETED
    refused = client_for(cast.amara).post(
        reverse("meetings:staff_duo_status", kwargs={"pk": cast.paris_duo.pk}), {"status": "paused", "reason": "x"}
    )
    assert refused.status_code == 422


def test_each_member_sees_the_others_contact_details_only_when_shared(cast: Cast, client_for: Any) -> None:
    mentee_page = reverse("meetings:mentee_duo", kwargs={"pk": cast.paris_duo.pk})
    assert cast.ben.person.email not in client_for(cast.chloe_user).get(mentee_page).content.decode()
    client_for(cast.ben_user).post(
        reverse("meetings:mentor_sharing", kwargs={"pk": cast.paris_duo.pk}), {"email": "on"}
    )
    page = client_for(cast.chloe_user).get(mentee_page).content.decode()
    assert cast.ben.person.email in page
    assert cast.ben.person.last_name not in page  # first name only
    mentor_page = client_for(cast.ben_user).get(reverse("meetings:mentor_duo", kwargs={"pk": cast.paris_duo.pk}))
    assert cast.chloe.person.phone not in mentor_page.content.decode()
    assert cast.chloe.person.last_name not in mentor_page.content.decode()


def test_the_mentee_page_reads_right_to_left_in_arabic(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.chloe_user)
    page = client.get(reverse("meetings:mentee_duo", kwargs={"pk": cast.paris_duo.pk}), HTTP_ACCEPT_LANGUAGE="ar")
    assert 'dir="rtl"' in page.content.decode()


def test_nobody_opens_a_duo_that_is_not_theirs(cast: Cast, client_for: Any) -> None:
    paris = cast.paris_duo.pk
    assert client_for(cast.dev_user).get(reverse("meetings:mentor_duo", kwargs={"pk": paris})).status_code == 404
    assert client_for(cast.leila_user).get(reverse("meetings:mentee_duo", kwargs={"pk": paris})).status_code == 404
    assert client_for(cast.lucie).get(reverse("meetings:staff_duo", kwargs={"pk": paris})).status_code == 404
    assert client_for(cast.chloe_user).get(reverse("meetings:mentor_duo", kwargs={"pk": paris})).status_code == 404
    assert client_for(cast.hugo).get(reverse("meetings:staff_duo", kwargs={"pk": paris})).status_code == 404
    forged = client_for(cast.leila_user).post(reverse("meetings:mentee_log_meeting", kwargs={"pk": paris}), MEETING)
    assert forged.status_code == 404
    assert not Meeting.objects.exists()
    # A meeting of another duo cannot be confirmed through one's own duo's URL.
    other = services.record_meeting(
        cast.lyon_duo,
        actor=cast.lucie,
        author="mentor",
        held_on=date(2026, 4, 1),
        duration_minutes=60,
        mode="phone",
        topics=["cv"],
    )
    url = reverse("meetings:mentee_confirm_meeting", kwargs={"pk": paris, "meeting": other.pk})
    assert client_for(cast.chloe_user).post(url).status_code == 404
    other.refresh_from_db()
    assert not other.is_confirmed
