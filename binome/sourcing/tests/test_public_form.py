"""The public application: no login, no JavaScript, three languages, honeypot and a rate limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from binome.audit.models import AuditEvent
from binome.people.models import Person
from binome.portals.helpers import attempts_this_hour
from binome.portals.views.sourcing import referrals as referral_views
from binome.sourcing.models import Consent, ConsentText, Referral
from binome.sourcing.tests.referral_fixtures import consent_text  # noqa: F401
from conftest import Cast


def application(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Aziz",
        "last_name": "Rahimi",
        "phone": "07 98 76 54 32",
        "email": "",
        "date_of_birth": "1990-06-15",
        "gender": "male",
        "country_of_origin": "AF",
        "protection_status": "subsidiary",
        "right_to_work": "yes",
        "french_level": "A2",
        "mother_tongue": "fa",
        "home": "Saint-Denis",
        "territory": "",
        "project": "cuisinier",
        "work_experience": "Cuisinier 6 ans à Kaboul.",
        "available_six_months": "yes",
        "consent_given": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_can_apply_with_a_plain_post_and_land_on_the_thank_you_page(
    cast: Cast,
    consent_text: ConsentText,  # noqa: F811
) -> None:
    client = Client()
    assert client.get(reverse("sourcing:apply")).status_code == 200
    response = client.post(reverse("sourcing:apply"), application())  # a plain form post: no JavaScript
    assert response.status_code == 302
    assert response["Location"] == reverse("sourcing:apply_thanks")
    referral = Referral.objects.get(person__last_name="Rahimi")
    assert (referral.partner, referral.source, referral.status) == (None, "public", "received")
    assert referral.person.territory == cast.paris  # Saint-Denis is within Paris's radius
    profile = referral.person.mentee_profile
    assert profile.target_occupations.get().code.startswith("G")  # a cooking occupation
    assert profile.available_six_months is True
    assert profile.right_to_work is True
    consent = Consent.objects.get(person=referral.person)
    assert (consent.method, consent.recorded_by, consent.text) == ("online", None, consent_text)
    assert client.get(reverse("sourcing:apply_thanks")).status_code == 200


def test_the_applicant_may_choose_the_programme_city(cast: Cast, consent_text: ConsentText) -> None:  # noqa: F811
    Client().post(reverse("sourcing:apply"), application(territory=str(cast.lyon.pk), home="Villeurbanne"))
    assert Person.objects.get(last_name="Rahimi").territory == cast.lyon


def test_a_town_far_from_every_territory_asks_for_a_city(cast: Cast, consent_text: ConsentText) -> None:  # noqa: F811
    response = Client().post(reverse("sourcing:apply"), application(home="Marseille"))
    assert response.status_code == 200
    assert response.context["form"].errors["territory"]
    assert not Person.objects.filter(last_name="Rahimi").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("consent_given", ""), ("phone", ""), ("project", "zzzzqqq"), ("right_to_work", "maybe"), ("home", "")],
)
def test_bad_answers_re_render_the_form_and_save_nothing(
    cast: Cast,
    consent_text: ConsentText,  # noqa: F811
    field: str,
    value: str,
) -> None:
    response = Client().post(reverse("sourcing:apply"), application(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Person.objects.filter(last_name="Rahimi").exists()


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_saved(
    cast: Cast,
    consent_text: ConsentText,  # noqa: F811
) -> None:
    response = Client().post(reverse("sourcing:apply"), application(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("sourcing:apply_thanks")
    assert not Person.objects.filter(last_name="Rahimi").exists()


def test_the_rate_limit_counts_recent_applications_per_address_in_the_shared_cache(
    cast: Cast,
    consent_text: ConsentText,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(referral_views, "PUBLIC_APPLICATIONS_PER_HOUR", 2)
    one = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(2):
        response = one.post(reverse("sourcing:apply"), application(last_name=f"Rahimi{n}", phone=f"07 98 76 54 3{n}"))
        assert response.status_code == 302
    response = one.post(reverse("sourcing:apply"), application(last_name="Rahimi9", phone="07 98 76 54 39"))
    assert response.status_code == 429
    assert not Person.objects.filter(last_name="Rahimi9").exists()
    # A second web process sees the same count: it lives in the shared cache, not in process memory.
    assert attempts_this_hour(_request("203.0.113.7"), referral_views.APPLICATIONS) == 2
    # The address itself is never stored, only a salted hash.
    assert "203.0.113.7" not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    # Another address is not limited.
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert (
        other.post(reverse("sourcing:apply"), application(last_name="Rahimi9", phone="07 98 76 54 39")).status_code
        == 302
    )


def _request(address: str) -> Any:
    from django.test import RequestFactory

    return RequestFactory(REMOTE_ADDR=address).get("/")


def test_the_form_reads_right_to_left_in_arabic(cast: Cast, consent_text: ConsentText) -> None:  # noqa: F811
    client = Client()
    client.post(reverse("set_language"), {"language": "ar", "next": "/apply/"})
    page = client.get(reverse("sourcing:apply")).content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert consent_text.body_ar in page  # the consent text in the applicant's language
    assert 'value="ar"' in page
    assert "<script>" not in page  # nothing inline: the form works without scripts


def test_the_form_is_in_english_on_request(cast: Cast, consent_text: ConsentText) -> None:  # noqa: F811
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/apply/"})
    page = client.get(reverse("sourcing:apply")).content.decode()
    assert '<html lang="en" dir="ltr"' in page
    assert consent_text.body_en in page
