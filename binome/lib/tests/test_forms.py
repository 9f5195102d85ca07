"""Issue #15, F14: no control character gets into a text field of any form of the project."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django import forms
from django.urls import reverse

import binome
from binome.lib.forms import TextHygieneMixin
from binome.people.models import Person
from binome.sourcing.forms_enrolment import InvitationForm, WaiverForm
from binome.sourcing.models import ConsentText, Referral
from binome.sourcing.tests.referral_fixtures import consent_text  # noqa: F401
from binome.sourcing.tests.test_referral_portal import referral_post
from conftest import Cast


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(binome.__path__, "binome."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    stack: list[type[Any]] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("binome.") and ".tests" not in cls.__module__:
            found.append(cls)
    return found


def test_F14_every_form_of_the_project_refuses_control_characters() -> None:
    project_forms = _project_forms()
    assert len(project_forms) > 40  # the walk found the project's forms
    missing = sorted(
        f"{cls.__module__}.{cls.__qualname__}" for cls in project_forms if not issubclass(cls, TextHygieneMixin)
    )
    assert missing == [], "derive these from binome.lib.forms.BinomeForm or BinomeModelForm"


@pytest.mark.parametrize(
    "text", ["Printemps\r\n2027", "Printemps\t2027", "Print\x00emps", "Print\x1bemps", "Pri\x85nt"]
)
def test_F14_a_single_line_field_refuses_any_control_character(text: str) -> None:
    form = InvitationForm({"label": text, "valid_from": "2030-01-01", "valid_until": "2030-02-01"})
    assert not form.is_valid()
    assert "control_character" in [e.code for e in form.errors.as_data()["label"]]


def test_F14_a_textarea_keeps_line_breaks_and_tabs_but_refuses_other_control_characters() -> None:
    assert WaiverForm({"reason": "Formé en 2025.\r\nVoir\tle dossier."}).is_valid()
    form = WaiverForm({"reason": "Formé\x07 en 2025."})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["reason"]] == ["control_character"]


@pytest.mark.django_db
def test_F14_a_referral_whose_name_holds_a_line_break_re_renders_and_saves_nothing(
    cast: Cast,
    client_for: Any,
    consent_text: ConsentText,  # noqa: F811
) -> None:
    before = Person.objects.count()
    response = client_for(cast.farah).post(
        reverse("sourcing:referral_new"),
        referral_post(cast, first_name="Yonas\r\nBcc: victim@example.org"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "one line" in " ".join(response.context["form"].errors["first_name"])
    assert Person.objects.count() == before
    assert not Referral.objects.filter(person__last_name="Tesfaye").exists()
