from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.urls import reverse

from binome.reference.forms import OccupationField, PlaceField
from binome.reference.models import CefrLevel, Language, Occupation, Place, Sector
from binome.reference.selectors import search_occupations, search_places
from binome.reference.services import load_reference_data

pytestmark = pytest.mark.django_db


def test_reference_files_are_loaded_with_their_hierarchy() -> None:
    assert Occupation.objects.count() == 1584
    assert Sector.objects.count() == 89
    assert Place.objects.count() == 15362
    developer = Occupation.objects.get(code="M1805")
    assert (developer.domain, developer.family) == ("M", "M18")
    assert "informatique" in developer.label
    assert Sector.objects.get(code="62").occupations.filter(code="M1805").exists()
    paris = Place.objects.get(pk=2988507)
    assert (round(paris.latitude, 2), paris.region) == (48.85, "Île-de-France")
    assert Language.objects.filter(code__in=["ar", "prs", "ps", "ti", "uk", "ru", "fa", "en"]).count() == 8


def test_loading_twice_adds_nothing() -> None:
    report = load_reference_data()
    assert report.places == 15362
    assert Place.objects.count() == 15362
    assert Occupation.objects.count() == 1584


def test_cefr_levels_compare_in_order() -> None:
    assert CefrLevel.rank("A1") < CefrLevel.rank("B1") < CefrLevel.rank("native")
    assert CefrLevel.at_least("C1") == ["C1", "C2", "native"]


def test_occupation_search_matches_words_without_accents() -> None:
    codes = [o.code for o in search_occupations("developpeur informatique")]
    assert "M1805" in codes
    assert [o.code for o in search_occupations("M1805")] == ["M1805"]
    assert list(search_occupations("   ")) == []


def test_place_search_puts_big_towns_first_and_ignores_hyphens() -> None:
    names = [p.name for p in search_places("saint etienne")]
    assert names[0] == "Saint-Étienne"
    assert search_places("lyon")[0].name == "Lyon"


def test_the_picker_endpoints_return_options_for_signed_in_users(client: Any, django_user_model: Any) -> None:
    client.force_login(django_user_model.objects.create_user(email="someone@example.com", password="x" * 14))
    body = client.get(reverse("reference:occupations"), {"field": "target_1", "target_1": "boulang"}).content.decode()
    assert "D1102 · Boulanger / Boulangère" in body
    body = client.get(reverse("reference:places"), {"field": "home", "home": "Tours"}).content.decode()
    assert 'value="Tours (Centre-Val de Loire) #2972191"' in body


def test_picker_fields_accept_a_code_or_a_picked_option_and_explain_anything_else() -> None:
    occupation = OccupationField()
    assert occupation.clean("m1805").code == "M1805"
    assert occupation.clean("M1805 · Développeur / Développeuse informatique").code == "M1805"
    with pytest.raises(forms.ValidationError, match="ROME"):
        occupation.clean("baker")
    place = PlaceField()
    assert place.clean("Tours (Centre-Val de Loire) #2972191").pk == 2972191
    assert place.clean("lyon").pk == 2996944
    with pytest.raises(forms.ValidationError):
        place.clean("Gotham City")
