"""The partner's referral portal: submit with consent, duplicates warning, and strict isolation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from binome.people.models import Person
from binome.sourcing.models import Consent, ConsentText, Referral, ReferralTransition
from binome.sourcing.tests.referral_fixtures import consent_text  # noqa: F401
from conftest import PARIS, Cast


def referral_post(cast: Cast, **overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": "Yonas",
        "last_name": "Tesfaye",
        "phone": "07 12 34 56 78",
        "email": "",
        "date_of_birth": "1994-03-02",
        "country_of_origin": "ER",
        "mother_tongue": "ti",
        "territory": cast.paris.pk,
        "protection_status": "refugee",
        "right_to_work": "on",
        "french_level": "A2",
        "home": f"Paris #{PARIS}",
        "target_1": "G1602",
        "meeting_mode": "either",
        "available_six_months": "yes",
        "reason": "Cuisinier expérimenté, cherche un premier emploi en France.",
        "referrer_name": "Farah Benali",
        "referrer_email": "farah@paris-ngo.test",
        "referrer_phone": "01 23 45 67 89",
        "consent_given": "on",
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_method": Consent.Method.SIGNED_FORM,
    }
    data.update(overrides)
    return data


def test_a_referrer_submits_a_referral_with_the_persons_consent(
    cast: Cast,
    client_for: Any,
    consent_text: ConsentText,  # noqa: F811
) -> None:
    client = client_for(cast.farah)
    page = client.get(reverse("sourcing:referral_new")).content.decode()
    assert "le programme Binôme traite mes données" in page  # the text in force is shown
    assert 'value="farah@paris-ngo.test"' in page  # the referrer's contact is prefilled

    response = client.post(reverse("sourcing:referral_new"), referral_post(cast))
    referral = Referral.objects.get(person__last_name="Tesfaye")
    assert response.status_code == 302
    assert response["Location"] == reverse("sourcing:referral", args=[referral.pk])
    assert (referral.partner, referral.source, referral.status) == (cast.paris_ngo, "partner", "received")
    assert referral.referrer_name == "Farah Benali"
    assert referral.created_by == cast.farah
    assert referral.person.territory == cast.paris
    assert list(referral.person.mentee_profile.target_occupations.values_list("code", flat=True)) == ["G1602"]
    assert referral.person.mentee_profile.available_six_months is True
    assert dict(referral.person.languages.values_list("language_id", "level")) == {"fr": "A2", "ti": "native"}
    consent = Consent.objects.get(person=referral.person)
    assert (consent.text, consent.method, consent.recorded_by, consent.given_on) == (
        consent_text,
        "signed_form",
        cast.farah,
        timezone.localdate(),
    )
    assert list(referral.transitions.values_list("from_status", "to_status")) == [("", "received")]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consent_given", ""),
        ("consent_given_on", (date.today() + timedelta(days=5)).isoformat()),
        ("target_1", "not a job"),
        ("home", "Atlantis"),
        ("date_of_birth", "31/02/1990"),
        ("territory", "999999"),
        ("reason", ""),
    ],
)
def test_bad_input_re_renders_the_form_and_saves_nothing(
    cast: Cast,
    client_for: Any,
    consent_text: ConsentText,  # noqa: F811
    field: str,
    value: str,
) -> None:
    before = Person.objects.count()
    response = client_for(cast.farah).post(reverse("sourcing:referral_new"), referral_post(cast, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert Person.objects.count() == before
    assert not Consent.objects.exists()


def test_a_possible_duplicate_is_announced_without_revealing_anything_then_can_be_sent(
    cast: Cast,
    client_for: Any,
    consent_text: ConsentText,  # noqa: F811
) -> None:
    client = client_for(cast.farah)
    # Chloé was referred by Farah's own organisation; same email, written differently.
    # (Issue #15, F10: this test used Leïla, known in Lyon through another partner: the hint no
    # longer looks beyond the referrer's organisation.)
    data = referral_post(cast, first_name="Chloe", last_name="Hadad", phone="", email="CHLOE@example.org")
    response = client.post(reverse("sourcing:referral_new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "déjà connue" in page or "already be known" in page
    assert "Haddad" not in page
    assert not Referral.objects.filter(person__last_name="Hadad").exists()
    assert response.context["form"]["confirm_duplicate"].value() == "on"

    response = client.post(reverse("sourcing:referral_new"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Referral.objects.filter(person__last_name="Hadad", partner=cast.paris_ngo).exists()


def test_F10_the_hint_never_says_a_person_is_known_through_another_partner_or_city(
    cast: Cast,
    client_for: Any,
    consent_text: ConsentText,  # noqa: F811
) -> None:
    client = client_for(cast.farah)
    # Leïla is known in Lyon, referred by Entraide Rhône: a Paris referrer must learn nothing of it.
    data = referral_post(cast, first_name="Leila", last_name="Nasar", phone="", email="leila@example.org")
    response = client.post(reverse("sourcing:referral_new"), data)
    assert response.status_code == 302  # no warning: sent at once, as for anyone new
    assert Referral.objects.filter(person__last_name="Nasar", partner=cast.paris_ngo).exists()


def test_F10_hint_lookups_are_audited_without_what_was_searched_and_limited_per_user(
    cast: Cast,
    client_for: Any,
    consent_text: ConsentText,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from binome.audit.models import AuditEvent

    monkeypatch.setattr("binome.sourcing.duplicates.HINT_LOOKUPS_PER_HOUR", 2)
    client = client_for(cast.farah)
    probe = referral_post(cast, first_name="Chloe", last_name="Hadad", phone="", email="chloe@example.org")
    assert client.post(reverse("sourcing:referral_new"), probe).status_code == 200
    assert client.post(reverse("sourcing:referral_new"), probe).status_code == 200
    before = Person.objects.count()
    third = client.post(reverse("sourcing:referral_new"), {**probe, "confirm_duplicate": "on"})
    assert third.status_code == 429
    assert third.context["form"].non_field_errors()
    assert Person.objects.count() == before  # nothing saved past the limit

    lookups = AuditEvent.objects.filter(actor=cast.farah, verb="looked for an earlier referral")
    assert lookups.count() == 2
    for event in lookups:
        assert (event.target_type, event.target_id) == ("organisations.organisation", str(cast.paris_ngo.pk))
        assert "chloe" not in str(event.details).lower()


def test_the_referrer_sees_each_status_change_with_its_date(cast: Cast, client_for: Any) -> None:
    referral = cast.chloe_referral
    ReferralTransition.objects.create(referral=referral, from_status="", to_status="received")
    ReferralTransition.objects.create(referral=referral, from_status="received", to_status="contacted", note="Secret")
    page = client_for(cast.farah).get(reverse("sourcing:referral", args=[referral.pk])).content.decode()
    assert "Chloé Haddad" in page
    assert "Reçue" in page
    assert "Contact pris" in page
    assert "Secret" not in page  # staff notes stay with staff


def test_a_referrer_never_sees_another_partners_referrals(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.farah)
    home = client.get(reverse("partner_portal")).content.decode()
    assert "Chloé" in home
    assert "Leïla" not in home
    assert "Nassar" not in home
    assert client.get(reverse("sourcing:referral", args=[cast.leila_referral.pk])).status_code == 404
    # Not even a Paris referral by another Paris partner, nor a public application in Paris.
    public = Referral.objects.create(person=cast.chloe.person, partner=None, source="public")
    assert client.get(reverse("sourcing:referral", args=[public.pk])).status_code == 404
    assert "public" not in [r.source for r in client.get(reverse("partner_portal")).context["referrals"]]


def test_other_roles_cannot_open_the_referral_form(cast: Cast, client_for: Any) -> None:
    assert client_for(cast.amara).get(reverse("sourcing:referral_new")).status_code == 403
    assert client_for(cast.hugo).get(reverse("sourcing:referral", args=[cast.chloe_referral.pk])).status_code == 404
    assert client_for(None).get(reverse("sourcing:referral_new")).status_code == 302


def test_without_a_consent_text_in_force_nothing_can_be_referred(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.farah).post(reverse("sourcing:referral_new"), referral_post(cast))
    assert response.status_code == 200
    assert response.context["no_consent_text"]
    assert not Referral.objects.filter(person__last_name="Tesfaye").exists()
