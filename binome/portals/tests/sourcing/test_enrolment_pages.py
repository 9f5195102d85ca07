"""Mentor enrolment through a company's link, and the links a company manages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import Role, User
from binome.audit.models import AuditEvent
from binome.people.models import MentorProfile, Person
from binome.sourcing.models import MentorInvitation
from binome.sourcing.tests.enrolment_fixtures import GOOD_PASSWORD, a_date, enrolment_payload, link
from conftest import Cast, queued_emails


@pytest.fixture(autouse=True)
def fresh_rate_limit(db: Any) -> None:
    # The join form counts attempts per address in the cache, which outlives a test (the database
    # cache needs the database).
    cache.clear()


@pytest.fixture(autouse=True)
def pages_in_english(client: Any) -> None:
    """These tests read the English source text of the pages (French is the site's default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _counts() -> tuple[int, int, int, int]:
    return User.objects.count(), Person.objects.count(), MentorProfile.objects.count(), Role.objects.count()


def _queued_to(address: str) -> list[str]:
    return [message.body for message in queued_emails(address)]


def _path_in(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert found is not None, body
    return found.group(1)


# --- the employee's side ----------------------------------------------------------------
def test_an_employee_enrols_through_the_link_and_lands_on_the_mentor_portal(
    cast: Cast, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = link(cast.acme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sourcing:join", args=[invitation.token]), enrolment_payload())
    # Issue #15, F15: the page says "check your email" (as it does for an address that has an
    # account); the link emailed to the address, with the password chosen, opens the account.
    assert response.status_code == 200
    assert "portals/sourcing/enrolment/check_email.html" in [t.name for t in response.templates]
    [body] = _queued_to("ines.morel@acme.test")
    confirm = _path_in(body)
    assert client.get(confirm).status_code == 200
    response = client.post(confirm, {"password": GOOD_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("mentor_portal")
    user = User.objects.get(email="ines.morel@acme.test")
    assert user.check_password(GOOD_PASSWORD)
    profile = MentorProfile.objects.select_related("person").get(person__roles__user=user)
    assert profile.company == cast.acme
    assert profile.person.territory == cast.paris
    assert profile.person.email == "ines.morel@acme.test"
    assert profile.training_status == MentorProfile.Training.NOT_STARTED
    assert profile.enrolled_at is not None
    assert profile.capacity == 2
    assert profile.occupation_id == "M1805"
    assert profile.workplace_id == 2988507
    assert profile.availability == ["tue_eve", "sat_am"]
    assert dict(profile.person.languages.values_list("language_id", "level")) == {"fr": "native", "en": "C1"}
    assert Role.objects.filter(user=user, kind=Role.Kind.MENTOR, person=profile.person).exists()
    assert list(invitation.enrolled.all()) == [profile]
    assert AuditEvent.objects.filter(verb="enrolled", actor=user, target_id=str(profile.pk)).exists()
    # Signed in: the portal shows the training to come.
    portal = client.get(reverse("mentor_portal"))
    assert portal.status_code == 200
    assert portal.context["profile"] == profile
    assert "training" in portal.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"account-password1": "short", "account-password2": "short"}, "password1"),
        ({"account-password2": "Autre-Mot-De-Passe-2027"}, "password2"),
        ({"account-email": "not-an-email"}, "email"),
        ({"occupation": "Z9999 nothing"}, "occupation"),
        ({"workplace": "Atlantis-sur-Mer"}, "workplace"),
        ({"language_1": "", "level_1": "", "language_2": "", "level_2": ""}, "language_1"),
        ({"level_2": ""}, "level_2"),
        ({"language_2": "fr", "level_2": "B1"}, "language_2"),
        ({"capacity": "3"}, "capacity"),
        ({"gender_preference_required": "on"}, "gender_preference"),
        ({"availability": ["sun_night"]}, "availability"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_bad_input_re_renders_with_a_message_and_saves_nothing(
    cast: Cast, client: Any, changes: dict[str, Any], field: str
) -> None:
    invitation = link(cast.acme)
    before = _counts()
    response = client.post(reverse("sourcing:join", args=[invitation.token]), enrolment_payload(**changes))

    assert response.status_code == 200
    forms = [f for f in (response.context["form"], response.context["account_form"]) if f is not None]
    assert any(field in f.errors for f in forms), [f.errors for f in forms]
    assert _counts() == before
    assert not invitation.enrolled.exists()


def test_a_password_like_the_email_is_refused_by_djangos_validators(cast: Cast, client: Any) -> None:
    invitation = link(cast.acme)
    payload = enrolment_payload(
        **{
            "account-email": "ines.morel2027@acme.test",
            "account-password1": "ines.morel2027",
            "account-password2": "ines.morel2027",
        }
    )
    response = client.post(reverse("sourcing:join", args=[invitation.token]), payload)
    assert response.status_code == 200
    assert "password1" in response.context["account_form"].errors
    assert not User.objects.filter(email="ines.morel2027@acme.test").exists()


def test_the_honeypot_turns_a_robot_away(cast: Cast, client: Any) -> None:
    invitation = link(cast.acme)
    before = _counts()
    response = client.post(
        reverse("sourcing:join", args=[invitation.token]), enrolment_payload(**{"account-website": "http://spam.test"})
    )
    assert response.status_code == 200
    assert _counts() == before


def test_too_many_attempts_from_one_address_are_slowed_down(cast: Cast, client: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("binome.portals.views.sourcing.enrolment.JOIN_POSTS_PER_ADDRESS_PER_HOUR", 2)
    url = reverse("sourcing:join", args=[link(cast.acme).token])
    bad = enrolment_payload(first_name="")
    assert client.post(url, bad).status_code == 200
    assert client.post(url, bad).status_code == 200
    assert client.post(url, enrolment_payload()).status_code == 429
    assert not User.objects.filter(email="ines.morel@acme.test").exists()


def test_F15_the_enrolment_form_answers_the_same_whether_the_address_has_an_account_or_not(
    cast: Cast, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = link(cast.acme)
    url = reverse("sourcing:join", args=[invitation.token])
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, enrolment_payload(**{"account-email": "HUGO@acme.test"}))
    assert _counts() == before  # nothing written for the known address
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(url, enrolment_payload(**{"account-email": "someone.new@acme.test"}))

    assert known.status_code == new.status_code == 200
    assert [t.name for t in known.templates] == [t.name for t in new.templates]

    # The same page byte for byte, but for the CSRF token of the footer's language form.
    def page(r: Any) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", r.content.decode())

    assert page(known) == page(new)
    assert "already" not in known.content.decode()
    # The owner of the known address hears about it by email; the new address gets its link.
    [notice] = _queued_to("hugo@acme.test")
    assert "déjà un compte" in notice  # in French, the recipient's language (the page was read in English)
    assert reverse("account_reset_password") in notice
    [confirmation] = _queued_to("someone.new@acme.test")
    assert "/join/confirm/" in confirmation
    # Signing in with the password typed in the form fails alike for both: nothing tells them apart.
    assert not client.login(email="hugo@acme.test", password="Mentorat-Solide-2027!")
    assert not client.login(email="someone.new@acme.test", password="Mentorat-Solide-2027!")


def test_F15_the_confirmation_link_needs_the_password_chosen_at_enrolment(
    cast: Cast, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = link(cast.acme)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sourcing:join", args=[invitation.token]), enrolment_payload())
    confirm = _path_in(_queued_to("ines.morel@acme.test")[0])
    wrong = client.post(confirm, {"password": "Pas-Le-Bon-Mot-2027"})
    assert wrong.status_code == 400
    assert "password" in wrong.context["form"].errors
    assert not User.objects.get(email="ines.morel@acme.test").is_active
    assert client.post(confirm, {"password": GOOD_PASSWORD}).status_code == 302
    assert User.objects.get(email="ines.morel@acme.test").is_active
    client.logout()
    assert client.get(confirm).status_code == 404  # used up
    assert client.get("/join/confirm/not-a-token/").status_code == 404


def test_a_signed_in_user_gets_the_mentor_role_on_their_own_account(cast: Cast, client_for: Any) -> None:
    invitation = link(cast.acme)
    client = client_for(cast.hugo)
    users_before = User.objects.count()
    page = client.get(reverse("sourcing:join", args=[invitation.token]))
    assert page.context["account_form"] is None

    response = client.post(
        reverse("sourcing:join", args=[invitation.token]), enrolment_payload(account=False, first_name="Hugo")
    )

    assert response.status_code == 302
    assert User.objects.count() == users_before
    role = Role.objects.get(user=cast.hugo, kind=Role.Kind.MENTOR)
    assert role.person.first_name == "Hugo"
    assert role.person.email == "hugo@acme.test"
    assert role.person.mentor_profile.company == cast.acme
    assert Role.objects.filter(user=cast.hugo, kind=Role.Kind.COMPANY_CONTACT).exists()  # kept
    assert client.get(reverse("mentor_portal")).status_code == 200


def test_a_mentor_of_the_company_opening_the_link_again_is_told_they_are_enrolled(cast: Cast, client_for: Any) -> None:
    invitation = link(cast.acme)
    client = client_for(cast.ben_user)
    before = _counts()
    page = client.get(reverse("sourcing:join", args=[invitation.token]))
    assert page.status_code == 200
    assert "portals/sourcing/enrolment/already.html" in [t.name for t in page.templates]
    client.post(reverse("sourcing:join", args=[invitation.token]), enrolment_payload(account=False))
    assert _counts() == before


@pytest.mark.parametrize(
    ("make", "status", "text"),
    [
        (lambda c: link(c.acme, days_left=-1, started=40), 410, "expired"),
        (lambda c: link(c.acme, revoked_at=timezone.now()), 410, "withdrawn"),
        (lambda c: link(c.acme, started=-5), 410, "opens on"),
        (lambda c: MentorInvitation(token="x" * 32), 404, "do not know this link"),
        (lambda c: MentorInvitation(token="x" * 500), 404, "do not know this link"),
    ],
)
def test_a_dead_link_gives_a_clear_page_and_enrols_nobody(
    cast: Cast, client: Any, make: Any, status: int, text: str
) -> None:
    invitation = make(cast)
    before = _counts()
    url = reverse("sourcing:join", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == status
    assert text in page.content.decode()
    assert client.post(url, enrolment_payload()).status_code == status
    assert client.get(reverse("sourcing:join_occupations", args=[invitation.token]) + "?q=dev").status_code == status
    assert _counts() == before


def test_a_link_revoked_while_the_form_was_open_enrols_nobody(cast: Cast, client: Any) -> None:
    invitation = link(cast.acme)
    url = reverse("sourcing:join", args=[invitation.token])
    client.get(url)
    MentorInvitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    before = _counts()
    assert client.post(url, enrolment_payload()).status_code == 410
    assert _counts() == before


def test_the_pickers_suggest_to_someone_holding_a_valid_link(cast: Cast, client: Any) -> None:
    token = link(cast.acme).token
    occupations = client.get(
        reverse("sourcing:join_occupations", args=[token]), {"field": "occupation", "occupation": "M1805"}
    )
    assert "M1805" in occupations.content.decode()
    places = client.get(reverse("sourcing:join_places", args=[token]), {"q": "Lyon"})
    assert "#2996944" in places.content.decode()


# --- the company's side -----------------------------------------------------------------
def test_a_company_contact_creates_a_link_and_sees_it_on_the_company_page(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.hugo)
    response = client.post(
        reverse("sourcing:invitation_create", args=[cast.acme.pk]),
        {"label": "Automne 2027", "valid_from": a_date(0).isoformat(), "valid_until": a_date(60).isoformat()},
    )
    invitation = MentorInvitation.objects.get(label="Automne 2027")
    assert response["Location"] == reverse("sourcing:invitation", args=[invitation.pk])
    assert invitation.company == cast.acme
    assert invitation.created_by == cast.hugo
    assert AuditEvent.objects.filter(verb="created", target_type="sourcing.mentorinvitation").exists()
    page = client.get(reverse("company_portal")).content.decode()
    assert "Automne 2027" in page
    assert reverse("sourcing:join", args=[invitation.token]) in page
    detail = client.get(reverse("sourcing:invitation", args=[invitation.pk])).content.decode()
    assert f"http://testserver{reverse('sourcing:join', args=[invitation.token])}" in detail


@pytest.mark.parametrize(
    "data",
    [
        {"label": "À l'envers", "valid_from": a_date(10).isoformat(), "valid_until": a_date(1).isoformat()},
        {"label": "Passé", "valid_from": a_date(-30).isoformat(), "valid_until": a_date(-1).isoformat()},
        {"label": "", "valid_from": a_date(0).isoformat(), "valid_until": a_date(30).isoformat()},
        {"label": "Date folle", "valid_from": "2027-02-31", "valid_until": a_date(30).isoformat()},
    ],
)
def test_a_bad_link_period_re_renders_and_saves_nothing(cast: Cast, client_for: Any, data: dict[str, str]) -> None:
    response = client_for(cast.hugo).post(reverse("sourcing:invitation_create", args=[cast.acme.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not MentorInvitation.objects.exists()


def test_a_company_contact_gets_404_on_another_companys_links(cast: Cast, client_for: Any) -> None:
    other = link(cast.boulangerie)
    client = client_for(cast.hugo)
    assert client.get(reverse("sourcing:invitation", args=[other.pk])).status_code == 404
    assert client.post(reverse("sourcing:invitation_revoke", args=[other.pk])).status_code == 404
    create = client.post(
        reverse("sourcing:invitation_create", args=[cast.boulangerie.pk]),
        {"label": "Intrus", "valid_from": a_date(0).isoformat(), "valid_until": a_date(30).isoformat()},
    )
    assert create.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    assert not MentorInvitation.objects.filter(label="Intrus").exists()
    assert "Printemps 2027" not in client.get(reverse("company_portal")).content.decode()


def test_a_company_contact_revokes_a_link_and_it_stops_working(cast: Cast, client_for: Any) -> None:
    invitation = link(cast.acme)
    client = client_for(cast.hugo)
    response = client.post(reverse("sourcing:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(verb="revoked", actor=cast.hugo, target_id=str(invitation.pk)).exists()
    client.logout()
    assert client.get(reverse("sourcing:join", args=[invitation.token])).status_code == 410


def test_the_company_contact_sees_who_enrolled_but_no_refugee_data(cast: Cast, client_for: Any) -> None:
    invitation = link(cast.acme)
    cast.ben.enrolled_at = timezone.now()
    cast.ben.save()
    invitation.enrolled.add(cast.ben)
    client = client_for(cast.hugo)
    response = client.get(reverse("sourcing:invitation", args=[invitation.pk]))
    page = response.content.decode()
    assert list(response.context["enrolled"]) == [cast.ben]
    assert "Ben Durand" in page
    assert "Développeur" in page
    assert "Trained" in page or "Formé" in page
    portal = client.get(reverse("company_portal")).content.decode()
    for refugee_detail in ("Chloé", "Haddad", "chloe@example.org", "06 11 22 33 44"):
        assert refugee_detail not in page
        assert refugee_detail not in portal
    assert reverse("people:person", args=[cast.ben.person_id]) not in page  # no link into staff files


def test_a_coordinator_manages_the_links_of_a_company_of_their_territory(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    page = client.get(reverse("organisations:organisation", args=[cast.acme.pk]))
    assert page.context["invitation_form"] is not None
    response = client.post(
        reverse("sourcing:invitation_create", args=[cast.acme.pk]),
        {"label": "Staff 2027", "valid_from": a_date(0).isoformat(), "valid_until": a_date(30).isoformat()},
    )
    assert response.status_code == 302
    invitation = MentorInvitation.objects.get(label="Staff 2027")
    assert "Staff 2027" in client.get(reverse("organisations:organisation", args=[cast.acme.pk])).content.decode()
    assert client.post(reverse("sourcing:invitation_revoke", args=[invitation.pk])).status_code == 302


def test_a_lyon_coordinator_gets_404_on_a_paris_companys_links(cast: Cast, client_for: Any) -> None:
    invitation = link(cast.acme)
    client = client_for(cast.lucie)
    assert client.get(reverse("sourcing:invitation", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("sourcing:invitation_revoke", args=[invitation.pk])).status_code == 404
    create = client.post(
        reverse("sourcing:invitation_create", args=[cast.acme.pk]),
        {"label": "Intrus", "valid_from": a_date(0).isoformat(), "valid_until": a_date(30).isoformat()},
    )
    assert create.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("who", ["ben_user", "chloe_user", "farah", "fiona"])
def test_mentors_mentees_referrers_and_funders_cannot_manage_links(cast: Cast, client_for: Any, who: str) -> None:
    invitation = link(cast.acme)
    client = client_for(getattr(cast, who))
    assert client.get(reverse("sourcing:invitation", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("sourcing:invitation_revoke", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- the link sent to the company's HR contacts ----------------------------------------


def test_a_coordinator_sends_the_link_to_the_companys_hr_contacts_in_their_language(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from binome.organisations.models import Contact

    invitation = link(cast.acme)
    cast.hugo.language = "en"
    cast.hugo.save(update_fields=["language"])
    Contact.objects.create(organisation=cast.acme, name="Claire Petit", role="DRH", email="claire@acme.test")
    Contact.objects.create(organisation=cast.acme, name="Sans Email", role="CEO")
    client = client_for(cast.amara)
    page = client.get(reverse("organisations:organisation", args=[cast.acme.pk])).content.decode()
    assert "Send the enrolment link to the HR contact" in page
    assert "claire@acme.test" in page
    assert "hugo@acme.test" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sourcing:invitation_send_to_hr", args=[invitation.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("organisations:organisation", args=[cast.acme.pk])
    assert "is on its way to" in response.content.decode()
    join = reverse("sourcing:join", args=[invitation.token])
    (to_hugo,) = queued_emails("hugo@acme.test")
    (to_claire,) = queued_emails("claire@acme.test")
    assert join in to_hugo.body
    assert join in to_claire.body
    assert "Your colleagues at Acme can now enrol" in to_hugo.body  # the language he chose
    assert "Vos collègues" in to_claire.body  # no account: the site's default, French
    event = AuditEvent.objects.get(verb="sent enrolment link", target_id=str(invitation.pk))
    assert event.actor == cast.amara
    assert event.details["accounts"] == [cast.hugo.pk]


def test_a_revoked_link_or_a_company_without_hr_email_sends_nothing_and_says_why(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(cast.amara)
    revoked = link(cast.acme, revoked_at=timezone.now())
    response = client.post(reverse("sourcing:invitation_send_to_hr", args=[revoked.pk]), follow=True)
    assert "Only a link valid today can be sent" in response.content.decode()
    Role.objects.filter(user=cast.hugo).delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sourcing:invitation_send_to_hr", args=[link(cast.acme).pk]), follow=True)
    assert "has no HR contact with an email address" in response.content.decode()
    assert queued_emails() == []
    assert not AuditEvent.objects.filter(verb="sent enrolment link").exists()


def test_only_staff_of_the_companys_territory_send_its_link(cast: Cast, client_for: Any) -> None:
    url = reverse("sourcing:invitation_send_to_hr", args=[link(cast.acme).pk])
    assert client_for(cast.lucie).post(url).status_code == 404
    assert client_for(cast.hugo).post(url).status_code in {403, 404}
    assert queued_emails() == []


# --- the join form: sorted lists, a privacy notice, one error per line ------------------


@pytest.mark.parametrize(
    ("language", "in_order"),
    [
        ("fr", ["Allemand", "Anglais", "Arabe", "Dari", "Espagnol", "Français", "Géorgien", "Persan", "Peul"]),
        ("en", ["Arabic", "Dari", "English", "French", "Fula", "Georgian", "German", "Persian"]),
    ],
)
def test_the_languages_are_sorted_by_their_name_in_the_pages_language(
    cast: Cast, client: Any, language: str, in_order: list[str]
) -> None:
    page = client.get(reverse("sourcing:join", args=[link(cast.acme).token]), HTTP_ACCEPT_LANGUAGE=language)
    names = [label for _code, label in page.context["form"].fields["language_1"].choices][1:]
    assert [name for name in names if name in in_order] == in_order  # "Géorgien" between "Français" and "Persan"
    assert names == sorted(names, key=lambda n: n.casefold().replace("é", "e"))


def test_the_join_form_shows_the_mentor_privacy_notice_and_the_enrolment_records_its_version(
    cast: Cast, client: Any
) -> None:
    from binome.privacy.notices import mentor_notice

    url = reverse("sourcing:join", args=[link(cast.acme).token])
    page = client.get(url).content.decode()
    notice = mentor_notice()
    assert f"privacy notice, version {notice.version}" in page
    for heading in ("What we collect", "Why", "Who sees it", "How long", "Your rights"):
        assert f"<h3>{heading}</h3>" in page
    assert "2 years after their last duo or enrolment" in page  # the register's retention rule
    assert "CNIL" in page
    client.post(url, enrolment_payload())
    event = AuditEvent.objects.get(verb="enrolled")
    assert event.details["privacy_notice"] == notice.version


def test_each_password_rule_broken_is_its_own_line(cast: Cast, client: Any) -> None:
    from django.utils.html import strip_tags

    url = reverse("sourcing:join", args=[link(cast.acme).token])
    response = client.post(
        url, enrolment_payload(**{"account-password1": "123", "account-password2": "123"}), HTTP_ACCEPT_LANGUAGE="fr"
    )
    html = response.content.decode()
    errors = response.context["account_form"].errors["password1"]
    assert len(errors) == 3  # too short, too common, entirely numeric
    for message in errors:
        assert f"<li>{message}</li>" in html
    text = strip_tags(html)
    assert "caractères.Ce mot" not in text  # even as plain text, one message a line
    assert html.index('id="error-summary"') < html.index('name="account-email"')  # the summary comes first
