"""On a phone: the mentee logs a meeting, the mentor confirms it, the coordinator's alert goes."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.meetings import engagement
from binome.meetings.models import Alert, Meeting
from binome.pairing.models import Duo

from .test_coordinator_journey import sign_in

PHONE = {"width": 390, "height": 844}


def context(browser: Any, live_server: Any, **extra: Any) -> Any:
    return browser.new_context(base_url=live_server.url, locale="fr-FR", **extra)


def test_a_logged_and_confirmed_meeting_clears_the_coordinators_alert(
    demo: None, browser: Any, live_server: Any
) -> None:
    mentee_person = Role.objects.get(user__email="mentee@demo.binome.fr").person
    duo = Duo.objects.get(mentee__person=mentee_person, status=Duo.Status.ACTIVE)
    Meeting.objects.filter(duo=duo).delete()  # this duo has not met yet: the rules flag it
    engagement.evaluate()
    assert Alert.objects.filter(duo=duo, status=Alert.Status.OPEN, kind="no_first_meeting").exists()

    coordinator = context(browser, live_server).new_page()
    sign_in(coordinator, "coord.paris@demo.binome.fr")
    coordinator.wait_for_url(re.compile(r"/staff/"))
    coordinator.goto("/staff/attention/")
    assert coordinator.locator(f"article[data-duo='{duo.pk}'][data-kind='no_first_meeting']").count() == 1

    mentee = context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(mentee, "mentee@demo.binome.fr")
    mentee.wait_for_url(re.compile(r"/mentee/$"))
    mentee.locator("a.open-duo").click()
    mentee.wait_for_url(re.compile(rf"/mentee/duos/{duo.pk}/$"))
    mentee.locator("input[name=topics][value=cv]").check()
    mentee.locator("input[name=topics][value=interview]").check()
    mentee.locator("#record-meeting").click()
    mentee.wait_for_url(re.compile(rf"/mentee/duos/{duo.pk}/#main$"))
    meeting = Meeting.objects.get(duo=duo)
    assert (meeting.recorded_as, meeting.is_confirmed) == ("mentee", False)
    expect(mentee.locator(f"#meeting-{meeting.pk}")).to_be_visible()

    mentor = context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(mentor, "mentor@demo.binome.fr")
    mentor.wait_for_url(re.compile(r"/mentor/$"))
    mentor.locator("a.open-duo").first.click()
    mentor.locator(f"#meeting-{meeting.pk} button.confirm-meeting").click()
    mentor.locator(f"#meeting-{meeting.pk} .ok").wait_for()
    meeting.refresh_from_db()
    assert meeting.is_confirmed

    coordinator.reload()
    assert coordinator.locator(f"article[data-duo='{duo.pk}'][data-kind='no_first_meeting']").count() == 0
    assert not Alert.objects.filter(duo=duo, status=Alert.Status.OPEN, kind="no_first_meeting").exists()
