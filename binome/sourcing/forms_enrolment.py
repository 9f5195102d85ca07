"""Forms of mentor enrolment (invitation links, the employee's own enrolment) and training."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.accounts.models import User
from binome.lib.forms import BinomeForm
from binome.people.forms import AVAILABILITY_CHOICES
from binome.people.models import Gender, MeetingMode, MentorProfile
from binome.reference.forms import OccupationField, PlaceField
from binome.reference.models import CefrLevel
from binome.reference.selectors import language_choices as language_choices_in_active_language
from binome.territories.models import Territory

LANGUAGE_ROWS = 4
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InvitationForm(BinomeForm):
    label = forms.CharField(label=_("Period"), max_length=100, help_text=_("For example “Spring 2027”."))
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The link must end after it starts."))
        elif end and end < timezone.localdate():
            self.add_error("valid_until", _("This date is already past."))
        return data


class AccountForm(BinomeForm):
    """The employee's new account. `website` is a honeypot: people never see it, robots fill it."""

    email = forms.EmailField(label=_("Work email"), max_length=254)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def clean_email(self) -> str:
        # Whether an account already uses the address is never said here (issue #15, F15):
        # enrol_mentor emails the address instead.
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("The form could not be sent. Please try again."), code="honeypot")
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first, User(email=data.get("email", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def user_fields(self) -> dict[str, Any]:
        return {"email": self.cleaned_data["email"], "password": self.cleaned_data["password1"]}


class ConfirmEnrolmentForm(BinomeForm):
    """The password chosen at enrolment, typed again on the link emailed to the address."""

    password = forms.CharField(
        label=_("The password you chose"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not the password you chose when enrolling."), code="wrong")
        return password


class MentorEnrolmentForm(BinomeForm):
    """The mentor profile an employee fills when enrolling."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices])
    job_title = forms.CharField(label=_("Job title"), max_length=150)
    occupation = OccupationField(label=_("Occupation (ROME)"))
    workplace = PlaceField(label=_("Workplace (town)"))
    capacity = forms.TypedChoiceField(
        label=_("How many refugees could you mentor at once?"), choices=[(1, "1"), (2, "2")], coerce=int, initial=1
    )
    gender_preference = forms.ChoiceField(
        label=_("Preferred gender of your mentee"), choices=[("", _("No preference")), *Gender.choices], required=False
    )
    gender_preference_required = forms.BooleanField(label=_("This preference is a requirement"), required=False)
    meeting_mode = forms.ChoiceField(label=_("Meeting mode"), choices=MeetingMode.choices, initial=MeetingMode.EITHER)
    availability = forms.MultipleChoiceField(
        label=_("When are you usually free?"),
        choices=AVAILABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    PERSON_FIELDS = ("first_name", "last_name", "phone", "gender")
    PROFILE_FIELDS = (
        "job_title",
        "occupation",
        "workplace",
        "capacity",
        "gender_preference",
        "gender_preference_required",
        "meeting_mode",
        "availability",
    )

    def __init__(self, *args: Any, picker_urls: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The pickers' suggestions come from URLs the link itself opens, as the employee has no account yet.
        for name, url in (picker_urls or {}).items():
            self.fields[name].widget.source_url = url
        # Named and sorted in the page's language ("Allemand, Anglais, Arabe…", not by code).
        language_choices = [("", "—"), *language_choices_in_active_language()]
        for index in range(1, LANGUAGE_ROWS + 1):
            self.fields[f"language_{index}"] = forms.ChoiceField(
                label=_("Language"), choices=language_choices, required=False
            )
            self.fields[f"level_{index}"] = forms.ChoiceField(
                label=_("Level"), choices=[("", "—"), *CefrLevel.choices], required=False
            )
        if not self.is_bound and "language_1" not in self.initial:
            self.initial.update({"language_1": "fr", "level_1": CefrLevel.NATIVE})

    def language_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"language_{i}"], self[f"level_{i}"]) for i in range(1, LANGUAGE_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        levels: dict[str, str] = {}
        for index in range(1, LANGUAGE_ROWS + 1):
            code, level = data.get(f"language_{index}"), data.get(f"level_{index}")
            if not code and not level:
                continue
            if not code or not level:
                self.add_error(f"level_{index}", _("Choose both a language and your level."))
            elif code in levels:
                self.add_error(f"language_{index}", _("This language is already listed."))
            else:
                levels[code] = level
        if not levels and not self.errors:
            self.add_error("language_1", _("Give at least one language you speak."))
        data["languages"] = levels
        if data.get("gender_preference_required") and not data.get("gender_preference"):
            self.add_error("gender_preference", _("Choose the preferred gender, or untick “requirement”."))
        return data

    def person_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.PERSON_FIELDS}

    def profile_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}


class TrainingSessionForm(BinomeForm):
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none())
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    start_time = forms.TimeField(
        label=_("Starts at"), initial=time(9, 0), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=200, initial=20)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=150, required=False)

    def __init__(self, *args: Any, territories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["territory"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = territories
        if territories.count() == 1:
            field.initial = territories.first()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        starts_at = timezone.make_aware(datetime.combine(data["day"], data["start_time"]))
        return {
            "territory": data["territory"],
            "starts_at": starts_at,
            "place": data["place"],
            "capacity": data["capacity"],
            "facilitator": data["facilitator"],
        }


class MentorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: MentorProfile) -> str:
        return f"{obj.person.full_name} · {obj.company} · {obj.get_training_status_display()}"


class RegisterMentorsForm(BinomeForm):
    """The mentors ticked, or (`everyone`, the form's second button) every mentor listed, in the
    list's order, as far as the session has places: filling a session of 60 is one click."""

    mentors = MentorChoiceField(
        label=_("Mentors to register"),
        queryset=MentorProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    everyone = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, candidates: Any, places: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentors"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = candidates
        self.places = places

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("everyone"):
            field = self.fields["mentors"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            assert field.queryset is not None
            data["mentors"] = list(field.queryset[: self.places])
        if not data.get("mentors"):
            raise ValidationError(_("Choose at least one mentor to register."))
        return data


class WaiverForm(BinomeForm):
    reason = forms.CharField(
        label=_("Why is the training waived?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: already trained by another mentoring programme in 2025."),
        max_length=2000,
    )
