from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from binome.lib.forms import BinomeForm
from binome.people.models import AVAILABILITY_SLOTS, DAY_PARTS, DAYS, Gender, MeetingMode, MenteeProfile, Person
from binome.reference.forms import OccupationField, PlaceField
from binome.reference.models import CefrLevel, Occupation

_DAY_LABELS = dict(DAYS)
_PART_LABELS = dict(DAY_PARTS)
AVAILABILITY_CHOICES = [
    (slot, f"{_DAY_LABELS[slot.split('_')[0]]} {_PART_LABELS[slot.split('_')[1]]}") for slot in AVAILABILITY_SLOTS
]


class MenteeFileForm(BinomeForm):
    """A staff edit of a mentee's file: identity, situation, project."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    country_of_origin = forms.ChoiceField(
        label=_("Country of origin"), choices=lambda: [("", "—"), *countries], required=False
    )
    protection_status = forms.ChoiceField(label=_("Protection status"), choices=MenteeProfile.ProtectionStatus.choices)
    right_to_work = forms.BooleanField(label=_("Has the right to work in France"), required=False)
    arrival_date = forms.DateField(
        label=_("Arrival in France"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    french_level = forms.ChoiceField(label=_("French level (CEFR)"), choices=CefrLevel.choices)
    home = PlaceField(label=_("Home town"), required=False)
    target_1 = OccupationField(label=_("Target occupation"))
    target_2 = OccupationField(label=_("Second target occupation"), required=False)
    target_3 = OccupationField(label=_("Third target occupation"), required=False)
    education_level = forms.ChoiceField(
        label=_("Education"), choices=[("", "—"), *MenteeProfile.Education.choices], required=False
    )
    work_experience = forms.CharField(
        label=_("Work experience"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    meeting_mode = forms.ChoiceField(label=_("Meeting mode"), choices=MeetingMode.choices)
    availability = forms.MultipleChoiceField(
        label=_("Weekly availability"),
        choices=AVAILABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    PERSON_FIELDS = ("first_name", "last_name", "email", "phone", "gender", "date_of_birth", "country_of_origin")
    PROFILE_FIELDS = (
        "protection_status",
        "right_to_work",
        "arrival_date",
        "french_level",
        "home",
        "education_level",
        "work_experience",
        "meeting_mode",
        "availability",
    )

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        profile = person.mentee_profile
        initial: dict[str, Any] = {name: getattr(person, name) for name in cls.PERSON_FIELDS}
        initial["country_of_origin"] = str(person.country_of_origin or "")
        initial.update({name: getattr(profile, name) for name in cls.PROFILE_FIELDS})
        for index, occupation in enumerate(profile.target_occupations.all()[:3], start=1):
            initial[f"target_{index}"] = occupation
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        codes = [t.code for t in (data.get(f"target_{i}") for i in (1, 2, 3)) if isinstance(t, Occupation)]
        if len(codes) != len(set(codes)):
            raise forms.ValidationError(_("The same target occupation is chosen twice."))
        data["targets"] = codes
        return data

    def person_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.PERSON_FIELDS}

    def profile_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}


class OptionsInPythonSelect(forms.Select):
    """Django's select, its options written in one pass of Python rather than a template render
    each: the people list's filters have about ninety options, shown on every visit. Same markup as
    Django's select.html (flat options, no groups: these filters have none)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n",
            "  <option{}>{}</option>",
            (
                (flatatt({"value": str(option["value"]), **option["attrs"]}), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(widget["attrs"]), options)


class PeopleFilterForm(BinomeForm):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Who"),
        required=False,
        choices=[("", _("Everyone")), ("mentee", _("Mentees")), ("mentor", _("Mentors"))],
        widget=OptionsInPythonSelect,
    )
    territory = forms.TypedChoiceField(
        label=_("Territory"), required=False, coerce=int, empty_value=None, widget=OptionsInPythonSelect
    )
    status = forms.ChoiceField(label=_("Referral status"), required=False, widget=OptionsInPythonSelect)
    french_level = forms.ChoiceField(
        label=_("French level"), required=False, choices=[("", "—"), *CefrLevel.choices], widget=OptionsInPythonSelect
    )
    language = forms.ChoiceField(label=_("Language"), required=False, widget=OptionsInPythonSelect)
    domain = forms.ChoiceField(label=_("Occupation domain"), required=False, widget=OptionsInPythonSelect)
    training = forms.ChoiceField(label=_("Mentor training"), required=False, widget=OptionsInPythonSelect)
