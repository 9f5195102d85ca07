"""Possible duplicates (name order, accents, phone formats, email case) and merging two files."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from binome.audit.models import AuditEvent
from binome.cohorts.models import Cohort
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, Person
from binome.people.services import create_mentee_profile, create_person, set_languages
from binome.privacy.merge import merge_people
from binome.sourcing.duplicates import duplicate_pairs, normalise_phone, possible_duplicates
from binome.sourcing.models import Consent, Referral
from binome.sourcing.tests.importing_helpers import ensure_consent_text
from conftest import Cast

pytestmark = pytest.mark.django_db
BORN = datetime.date(1994, 3, 14)


def person(cast: Cast, first: str, last: str, **fields: Any) -> Person:
    return create_person(
        actor=None, first_name=first, last_name=last, territory=fields.pop("territory", cast.paris), **fields
    )


@pytest.mark.parametrize(
    "number", ["06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78", "+33 (0)6 12 34 56 78"]
)
def test_french_phone_numbers_written_any_way_are_one_number(number: str) -> None:
    assert normalise_phone(number) == "+33612345678"


def test_a_lone_digit_is_not_a_phone_number_anyone_could_share() -> None:
    assert normalise_phone("0") == ""


def test_the_same_name_in_another_order_and_without_accents_with_the_same_birth_date_is_a_duplicate(
    cast: Cast,
) -> None:
    amina = person(cast, "Amina Lëila", "DIALLO", date_of_birth=BORN)
    found = possible_duplicates(first_name="Diallo", last_name="amina leila", date_of_birth=BORN)
    assert list(found) == [amina]
    assert not possible_duplicates(first_name="Diallo", last_name="Amina Leila", date_of_birth=BORN.replace(day=15))


def test_the_same_phone_in_another_format_or_the_same_email_in_capitals_is_a_duplicate(cast: Cast) -> None:
    omar = person(cast, "Omar", "Haddad", phone="06 12 34 56 78", email="omar.h@example.org")
    assert list(possible_duplicates(first_name="O", last_name="H", phone="+33612345678")) == [omar]
    assert list(possible_duplicates(first_name="O", last_name="H", phone="0033 6 12 34 56 78")) == [omar]
    assert list(possible_duplicates(first_name="O", last_name="H", email="Omar.H@Example.org")) == [omar]
    assert list(possible_duplicates(first_name="O", last_name="H", email="x@y.org", phone="07 00 00 00 00")) == []


def test_possible_duplicates_can_be_limited_to_a_territory(cast: Cast) -> None:
    person(cast, "Omar", "Haddad", phone="06 12 34 56 78", territory=cast.lyon)
    assert not possible_duplicates(first_name="O", last_name="H", phone="0612345678", territory=cast.paris)
    assert possible_duplicates(first_name="O", last_name="H", phone="0612345678", territory=cast.lyon).count() == 1


def test_duplicate_pairs_are_found_within_a_territory_only(cast: Cast) -> None:
    a = person(cast, "Amina", "Diallo", date_of_birth=BORN)
    b = person(cast, "DIALLO", "Amina", date_of_birth=BORN, phone="0612345678")
    c = person(cast, "Someone", "Else", phone="+33 6 12 34 56 78")
    person(cast, "Amina", "Diallo", date_of_birth=BORN, territory=cast.lyon)
    pairs = {(p.first.pk, p.second.pk): p.reasons for p in duplicate_pairs(Person.objects.all())}
    assert pairs[(a.pk, b.pk)] == ("name_dob",)
    assert pairs[(b.pk, c.pk)] == ("phone",)
    assert len(pairs) == 2
    # Chloé (Paris) and Leïla (Lyon) share the cast's phone number but not a territory.


@pytest.fixture
def two_files(cast: Cast) -> tuple[Person, Person, Organisation]:
    """Amina referred by the Paris NGO, then again by a second partner under another spelling."""
    text = ensure_consent_text()
    other_partner = Organisation.objects.create(name="Cimade", slug="cimade", kind="ngo", territory=cast.paris)
    keep = person(cast, "Amina", "Diallo", date_of_birth=BORN)
    set_languages(keep, {"ar": "native"}, actor=None)
    MenteeProfile.objects.create(person=keep, protection_status="refugee", french_level="A2")
    other = person(cast, "DIALLO", "Aminâ", date_of_birth=BORN, phone="06 12 34 56 78", email="amina@example.org")
    set_languages(other, {"ar": "native", "en": "B1"}, actor=None)
    create_mentee_profile(
        other, actor=None, targets=["K2204"], protection_status="refugee", french_level="B1", home_id=2988507
    )
    Referral.objects.create(person=keep, partner=cast.paris_ngo, referrer_name="Farah")
    Referral.objects.create(person=other, partner=other_partner, referrer_name="Malik")
    Referral.objects.create(person=other, partner=cast.paris_ngo, referrer_name="Farah again")
    Consent.objects.create(person=other, text=text, given_on=BORN.replace(year=2026), method="attestation")
    AuditEvent.objects.create(verb="viewed", target_type="people.person", target_id=str(other.pk))
    return keep, other, other_partner


def test_merging_keeps_history_both_referrers_and_fills_empty_fields(
    cast: Cast, two_files: tuple[Person, Person, Organisation]
) -> None:
    keep, other, _other_partner = two_files
    other_id = other.pk
    merge_people(keep, other, actor=cast.amara)
    assert not Person.objects.filter(pk=other_id).exists()
    keep.refresh_from_db()
    assert (keep.first_name, keep.phone, keep.email) == ("Amina", "06 12 34 56 78", "amina@example.org")
    assert keep.mentee_profile.french_level == "A2"  # the kept file's values win
    assert keep.mentee_profile.home_id == 2988507  # empty ones are filled
    assert list(keep.mentee_profile.target_occupations.values_list("code", flat=True)) == ["K2204"]
    assert dict(keep.languages.values_list("language_id", "level")) == {"ar": "native", "en": "B1"}
    referrals = {r.referrer_name: r for r in keep.referrals.all()}
    assert set(referrals) == {"Farah", "Malik", "Farah again"}
    assert referrals["Farah again"].merged_into == referrals["Farah"]
    assert referrals["Malik"].merged_into is None
    assert keep.consents.count() == 1
    merged = AuditEvent.objects.get(verb="merged")
    assert merged.actor == cast.amara
    assert (merged.details["kept_person_id"], merged.details["merged_person_id"]) == (keep.pk, other_id)
    assert AuditEvent.objects.filter(target_id=str(other_id), verb="viewed").exists()  # history stays


def test_merging_twice_is_refused_the_second_time(cast: Cast, two_files: tuple[Person, Person, Organisation]) -> None:
    keep, other, _partner = two_files
    merge_people(keep, other, actor=cast.amara)
    with pytest.raises(ValidationError, match="already merged"):
        merge_people(keep, other, actor=cast.amara)


def test_people_in_different_territories_are_not_merged(cast: Cast) -> None:
    a = person(cast, "Amina", "Diallo", date_of_birth=BORN)
    b = person(cast, "Amina", "Diallo", date_of_birth=BORN, territory=cast.lyon)
    with pytest.raises(ValidationError, match="different territories"):
        merge_people(a, b, actor=cast.nadia)
    assert Person.objects.filter(pk=b.pk).exists()


def test_two_mentees_in_active_duos_are_not_merged(cast: Cast) -> None:
    other = person(cast, "Chloe", "Haddad")
    profile = MenteeProfile.objects.create(person=other, protection_status="refugee", french_level="B1")
    cohort = Cohort.objects.create(
        territory=cast.paris,
        name="Paris automne",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 3, 1),
    )
    Duo.objects.create(cohort=cohort, mentor=cast.ben, mentee=profile, started_on=datetime.date(2026, 9, 8))
    with pytest.raises(ValidationError, match="active duos"):
        merge_people(cast.chloe.person, other, actor=cast.amara)


def test_a_mentee_in_a_duo_merged_into_a_new_file_keeps_the_duo(cast: Cast) -> None:
    newer = person(cast, "Chloe", "Haddad", phone="0611223344")
    merge_people(newer, cast.chloe.person, actor=cast.amara)
    cast.paris_duo.refresh_from_db()
    assert cast.paris_duo.mentee.person == newer
    assert newer.roles.filter(user=cast.chloe_user).exists()  # her login still opens her file
    assert cast.chloe_referral.__class__.objects.get(pk=cast.chloe_referral.pk).person == newer


def test_a_file_is_not_merged_with_itself(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        merge_people(cast.chloe.person, cast.chloe.person, actor=cast.amara)
