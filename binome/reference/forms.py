"""Form fields for the reference pickers.

The widget is a text input tied to a <datalist> that htmx refreshes as the user types;
without JavaScript the user can still type a ROME code or a place name. The field
turns what was typed into the record, or explains why it could not.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import record_id
from binome.reference.models import Occupation, Place, normalise_for_search


class PickerInput(forms.TextInput):
    template_name = "reference/picker_input.html"

    def __init__(self, source_url: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.source_url = source_url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["source_url"] = str(self.source_url)
        context["widget"]["list_id"] = f"{context['widget']['attrs'].get('id', name)}-options"
        return context


_ROME_CODE = re.compile(r"^\s*([A-Na-n]\d{4})\b")


class OccupationField(forms.Field):
    widget = PickerInput(reverse_lazy("reference:occupations"), attrs={"placeholder": _("e.g. M1805 or développeur")})
    default_error_messages = {
        "unknown": _("“%(value)s” is not a ROME occupation: type a code such as M1805, or pick from the list."),
    }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Occupation):
            return str(value)
        if isinstance(value, str) and (occupation := Occupation.objects.filter(code=value).first()):
            return str(occupation)
        return value

    def to_python(self, value: Any) -> Occupation | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Occupation):
            return value
        match = _ROME_CODE.match(str(value))
        occupation = Occupation.objects.filter(code=match.group(1).upper()).first() if match else None
        if occupation is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value})
        return occupation


_PLACE_ID = re.compile(r"#(\d+)\s*$")


class PlaceField(forms.Field):
    widget = PickerInput(reverse_lazy("reference:places"), attrs={"placeholder": _("Start typing a town")})
    default_error_messages = {
        "unknown": _("“%(value)s” is not a French town we know: pick one from the list."),
    }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) or record_id(value) is not None:
            value = Place.objects.filter(pk=int(value)).first() or value
        if isinstance(value, Place):
            return f"{value} #{value.pk}"
        return value

    def to_python(self, value: Any) -> Place | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Place):
            return value
        text = str(value)
        if match := _PLACE_ID.search(text):
            place = Place.objects.filter(pk=int(match.group(1))).first()
        else:
            # A typed name with no id: the most populous town of that exact name.
            name = normalise_for_search(text.split("(")[0])
            place = Place.objects.filter(search_name=name).order_by("-population").first()
        if place is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value})
        return place
