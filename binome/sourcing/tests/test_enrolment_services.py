"""The enrolment and training services on their own: all or nothing, and who acted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from binome.accounts.models import Role, User
from binome.audit.models import AuditEvent
from binome.people.models import MentorProfile, Person
from binome.sourcing.enrolment import create_invitation, enrol_mentor, revoke_invitation
from binome.sourcing.tests.enrolment_fixtures import GOOD_PASSWORD, a_date, link, new_mentor, session
from binome.sourcing.training import register_mentors
from conftest import Cast, queued_emails

PERSON = {"first_name": "Inès", "last_name": "Morel", "phone": "", "gender": "female"}
PROFILE = {"job_title": "Comptable", "occupation_id": "M1203", "capacity": 1}


def _enrol(invitation: Any, actor: Any = None, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "user_fields": {"email": "ines@acme.test", "password": GOOD_PASSWORD},
        "person_fields": PERSON,
        "profile_fields": PROFILE,
        "languages": {"fr": "native"},
        "actor": actor,
    }
    values.update(overrides)
    return enrol_mentor(invitation, **values)


def _counts() -> tuple[int, int, int, int]:
    return User.objects.count(), Person.objects.count(), MentorProfile.objects.count(), Role.objects.count()


def test_enrolment_creates_the_account_the_person_the_profile_and_the_role(cast: Cast) -> None:
    invitation = link(cast.acme)
    result = _enrol(invitation)
    assert result.user.email == "ines@acme.test"
    assert result.user.first_name == "Inès"
    assert result.profile.person.territory == cast.paris
    assert result.profile.training_status == MentorProfile.Training.NOT_STARTED
    assert Role.objects.get(user=result.user, kind=Role.Kind.MENTOR).person == result.profile.person
    assert AuditEvent.objects.filter(actor=result.user, verb="enrolled").count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"languages": {}},
        {"user_fields": {"email": "ines@acme.test", "password": "short"}},
        {"user_fields": {"email": "", "password": GOOD_PASSWORD}},
        {"profile_fields": {**PROFILE, "capacity": 5}},
        {"languages": {"xx": "B1"}},
        {"languages": {"fr": "fluent"}},
    ],
)
def test_a_refused_enrolment_writes_nothing(cast: Cast, overrides: dict[str, Any]) -> None:
    invitation = link(cast.acme)
    before = _counts()
    with pytest.raises(ValidationError):
        _enrol(invitation, **overrides)
    assert _counts() == before
    assert not invitation.enrolled.exists()


def test_F15_an_address_with_an_account_is_not_refused_but_emailed_and_nothing_is_written(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = link(cast.acme)
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        result = _enrol(invitation, user_fields={"email": "HUGO@acme.test", "password": GOOD_PASSWORD})
    assert result is None
    assert _counts() == before
    assert not invitation.enrolled.exists()
    assert [message.recipients for message in queued_emails()] == [["hugo@acme.test"]]


def test_a_revoked_link_enrols_nobody(cast: Cast) -> None:
    invitation = link(cast.acme)
    assert revoke_invitation(invitation, actor=cast.hugo) is True
    assert revoke_invitation(invitation, actor=cast.hugo) is False  # once is enough
    with pytest.raises(ValidationError):
        _enrol(invitation)
    assert not User.objects.filter(email="ines@acme.test").exists()


def test_a_signed_in_mentor_of_the_company_cannot_enrol_twice(cast: Cast) -> None:
    before = _counts()
    with pytest.raises(ValidationError):
        _enrol(link(cast.acme), actor=cast.ben_user)
    assert _counts() == before


def test_a_company_without_a_territory_cannot_invite(cast: Cast) -> None:
    cast.acme.territory = None
    cast.acme.save()
    with pytest.raises(ValidationError):
        create_invitation(cast.acme, label="X", valid_from=a_date(0), valid_until=a_date(9), actor=cast.nadia)


def test_the_registration_email_is_in_french_whatever_the_coordinators_language(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr("binome.sourcing.training.send_email", lambda **kw: sent.append(kw))
    planned = session(cast.paris, days_from_now=30)
    with translation.override("en"):
        register_mentors(planned, [new_mentor(cast.acme)], actor=cast.amara)
    month_fr = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"][timezone.localtime(planned.starts_at).month - 1]  # fmt: skip
    assert month_fr in sent[0]["body"]
    assert sent[0]["to"] == ["ines@acme.test"]
