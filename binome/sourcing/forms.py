"""Forms of sourcing: the partner's referral, the public application, the screening board."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from binome.cohorts.models import Cohort
from binome.lib.forms import BinomeForm, record_ids
from binome.people.forms import MenteeFileForm
from binome.people.models import Gender, MenteeProfile
from binome.reference.forms import OccupationField, PlaceField
from binome.reference.labels import ROME_DOMAINS
from binome.reference.models import CefrLevel, Language, Occupation
from binome.reference.selectors import search_occupations
from binome.sourcing.eligibility import Verdict
from binome.sourcing.models import Consent, Referral
from binome.sourcing.services import DECISIONS, REASON_REQUIRED, nearest_territory
from binome.territories.models import Territory

YES_NO_UNKNOWN = [("", _("Not asked yet")), ("yes", _("Yes")), ("no", _("No"))]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _mother_tongue_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(lang.code, str(lang)) for lang in Language.objects.exclude(code="fr")]


class ReferralForm(MenteeFileForm):
    """A partner's referral: the mentee's file, why they are referred, who refers, and consent."""

    mother_tongue = forms.ChoiceField(label=_("Mother tongue"), choices=_mother_tongue_choices, required=False)
    available_six_months = forms.TypedChoiceField(
        label=_("Available for the six months of the programme"),
        choices=YES_NO_UNKNOWN,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.all())
    reason = forms.CharField(
        label=_("Why you refer this person"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    referrer_name = forms.CharField(label=_("Your name"), max_length=150)
    referrer_email = forms.EmailField(label=_("Your email"))
    referrer_phone = forms.CharField(label=_("Your phone"), max_length=30, required=False)
    consent_given = forms.BooleanField(
        label=_("The person has read (or been read) the consent text above and agrees to it"), required=True
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    consent_method = forms.ChoiceField(
        label=_("How consent was obtained"),
        choices=[
            (Consent.Method.SIGNED_FORM.value, Consent.Method.SIGNED_FORM.label),
            (Consent.Method.ORAL_VIA_PARTNER.value, Consent.Method.ORAL_VIA_PARTNER.label),
        ],
    )
    # Set once the referrer has seen the "may already be known" warning and still wants to send it.
    confirm_duplicate = forms.BooleanField(
        label=_("Send the referral anyway"), required=False, widget=forms.HiddenInput
    )

    PROFILE_FIELDS = (*MenteeFileForm.PROFILE_FIELDS, "available_six_months")  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_given_on"].initial = timezone.localdate()

    def clean_consent_given_on(self) -> Any:
        given = self.cleaned_data["consent_given_on"]
        if given > timezone.localdate():
            raise forms.ValidationError(_("The consent date cannot be in the future."))
        return given

    def languages(self) -> dict[str, str]:
        levels = {"fr": self.cleaned_data["french_level"]}
        if tongue := self.cleaned_data.get("mother_tongue"):
            levels[tongue] = CefrLevel.NATIVE
        return levels

    def referrer(self) -> dict[str, str]:
        return {
            "name": self.cleaned_data["referrer_name"],
            "email": self.cleaned_data["referrer_email"],
            "phone": self.cleaned_data["referrer_phone"],
        }


class ProjectField(forms.CharField):
    """The job the applicant wants, in their own words: a ROME code, or words of its label.

    Applicants do not know ROME codes, and the public page has no picker (it must work without
    JavaScript and without an account), so we take the first occupation whose label has every word.
    """

    default_error_messages = {
        "unknown": _("We found no job matching “%(value)s”: try a simpler word, for example “cuisinier”."),
    }

    def clean(self, value: Any) -> Occupation | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return OccupationField().to_python(text)
        except forms.ValidationError:
            pass
        found = search_occupations(text, limit=1).first()
        if found is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": text})
        return found


class PublicApplicationForm(BinomeForm):
    """The public application, phone first: few questions, plain words, no JavaScript needed."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    email = forms.EmailField(label=_("Email (if you have one)"), required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    country_of_origin = forms.ChoiceField(
        label=_("Country of origin"), choices=lambda: [("", "—"), *countries], required=False
    )
    protection_status = forms.ChoiceField(
        label=_("Your status in France"), choices=MenteeProfile.ProtectionStatus.choices
    )
    right_to_work = forms.TypedChoiceField(
        label=_("Do you have the right to work in France?"), choices=YES_NO, coerce=_yes_no, widget=forms.RadioSelect
    )
    french_level = forms.ChoiceField(
        label=_("Your level of French"),
        choices=[
            ("A1", _("A1 · I know a few words")),
            ("A2", _("A2 · I can handle simple everyday situations")),
            ("B1", _("B1 · I can talk about work and my plans")),
            ("B2", _("B2 · I am at ease in most conversations")),
            ("C1", _("C1 · I speak fluently")),
            ("C2", _("C2 · I speak like a native speaker")),
            ("native", _("French is my mother tongue")),
        ],
    )
    mother_tongue = forms.ChoiceField(label=_("Mother tongue"), choices=_mother_tongue_choices, required=False)
    home = PlaceField(
        label=_("Town where you live"), widget=forms.TextInput(attrs={"placeholder": _("for example Saint-Denis")})
    )
    territory = forms.ModelChoiceField(
        label=_("Programme city"),
        queryset=Territory.objects.all(),
        required=False,
        empty_label=_("The nearest to where I live"),
    )
    project = ProjectField(
        label=_("The job you are looking for"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("for example cuisinier, aide-soignant, développeur")}),
    )
    work_experience = forms.CharField(
        label=_("Your work experience (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    available_six_months = forms.TypedChoiceField(
        label=_("Can you meet a mentor regularly for six months?"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
    )
    consent_given = forms.BooleanField(label=_("I have read the text above and I agree"), required=True)
    # The honeypot: hidden from people by CSS and aria-hidden, filled by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("territory") is None and data.get("home") is not None:
            data["territory"] = nearest_territory(data["home"])
            if data["territory"] is None:
                self.add_error(
                    "territory",
                    _("The programme does not run near your town yet: choose the city you could travel to."),
                )
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def person_values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("first_name", "last_name", "email", "phone", "gender", "date_of_birth", "country_of_origin")
        }

    def profile_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "protection_status": data["protection_status"],
            "right_to_work": bool(data["right_to_work"]),
            "french_level": data["french_level"],
            "home": data["home"],
            "work_experience": data["work_experience"],
            "available_six_months": data["available_six_months"],
        }

    def languages(self) -> dict[str, str]:
        levels = {"fr": self.cleaned_data["french_level"]}
        if tongue := self.cleaned_data.get("mother_tongue"):
            levels[tongue] = CefrLevel.NATIVE
        return levels


PRECHECK_CHOICES = [
    ("", "—"),
    (Verdict.PASSES.value, _("Passes")),
    (Verdict.FAILS.value, _("Fails")),
    (Verdict.INCOMPLETE.value, _("Incomplete")),
]


class BoardFilterForm(BinomeForm):
    q = forms.CharField(label=_("Search"), required=False)
    territory = forms.TypedChoiceField(label=_("Territory"), required=False, coerce=int, empty_value=None)
    partner = forms.ChoiceField(label=_("Partner"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    domain = forms.ChoiceField(label=_("Occupation domain"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    french_level = forms.ChoiceField(label=_("French level"), required=False)
    precheck = forms.ChoiceField(label=_("Pre-check"), required=False, choices=PRECHECK_CHOICES)
    # With `precheck=fails`, the rule not met (the pre-check bar's links set it).
    failed_rule = forms.RegexField(regex=r"^[a-z_]{1,40}$", required=False, widget=forms.HiddenInput)
    # The referrals one spreadsheet import created (the link after an import).
    import_batch = forms.RegexField(regex=r"^[0-9a-f]{1,32}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, territories: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[Any, Any]]] = {
            "territory": [("", "—")] + [(t.pk, t.name) for t in territories],
            "partner": [("", "—"), ("public", _("Public applications"))] + [(str(p.pk), p.name) for p in partners],
            "status": [("", "—"), *Referral.Status.choices],
            "domain": [("", "—")] + [(k, f"{k} · {v}") for k, v in ROME_DOMAINS.items()],
            "language": [("", "—")] + [(lang.code, str(lang)) for lang in Language.objects.all()],
            "french_level": [("", "—"), *CefrLevel.choices],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options


class MoveForm(BinomeForm):
    """Move one referral (or the selected ones): the next statuses allowed from where it stands, or
    a decision (one of its buttons, `decision`), which may skip the rest of the screening walk."""

    to_status = forms.ChoiceField(label=_("New status"), required=False)
    note = forms.CharField(
        label=_("Note or reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("Required for “ineligible” and “left the programme”."),
    )
    override = forms.CharField(
        label=_("Justification for overriding the pre-check"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("Required to make someone eligible when a rule of the pre-check is not met."),
    )
    cohort: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False
    )

    def __init__(self, *args: Any, allowed: list[tuple[str, Any]], cohorts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = allowed
        cohort_field = self.fields["cohort"]
        assert isinstance(cohort_field, forms.ModelChoiceField)
        cohort_field.queryset = cohorts

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The decision is the button pressed (name "decision"), not a field the form renders.
        decision = self.data.get("decision") if hasattr(self.data, "get") else None
        if decision:
            if decision not in DECISIONS:
                raise forms.ValidationError(_("Choose one of the decisions offered."))
            data["to_status"], data["skip"] = decision, True
        else:
            data["skip"] = False
            if not data.get("to_status") and "to_status" not in self.errors:
                self.add_error("to_status", _("Choose the new status."))
        if data.get("to_status") in REASON_REQUIRED and not (data.get("note") or "").strip():
            self.add_error("note", _("Give a reason for “%(to)s”.") % {"to": Referral.Status(data["to_status"]).label})
        return data


class BulkScopeForm(BinomeForm):
    """Which referrals a bulk action applies to: the ticked ones, the page shown, or every one the
    board's filter keeps (found again on the server, within what the viewer may see)."""

    SELECTED, PAGE, ALL = "selected", "page", "all"

    scope = forms.ChoiceField(
        choices=[(SELECTED, _("The ticked referrals")), (PAGE, _("Every referral on this page")), (ALL, _("All"))],
        required=False,
    )
    # How many the filter kept when the page was shown: "all" acts only on the number announced.
    expected = forms.IntegerField(required=False, min_value=0, max_value=10**9)
    confirmed = forms.BooleanField(required=False)

    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or self.SELECTED


def selected_ids(values: list[str]) -> list[int]:
    """The ticked referral ids of a bulk action; anything that is not a number is dropped."""
    return record_ids(values)
