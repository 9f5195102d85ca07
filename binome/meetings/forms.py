"""Forms of the duo pages: phone-first, plain HTML inputs that work without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import BinomeForm, BinomeModelForm
from binome.meetings.hours import Period
from binome.meetings.models import Meeting, NetworkIntroduction, Topic
from binome.pairing.models import Duo

DURATIONS = [
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1 hour 30")),
    (120, _("2 hours")),
    (180, _("3 hours")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(BinomeModelForm):
    """Record a meeting of `duo`. A second meeting on a day the duo already has one is asked about
    before it is saved (most often the same meeting entered twice); `another_meeting` says it is not."""

    duration_minutes = forms.TypedChoiceField(label=_("Duration"), choices=DURATIONS, coerce=int, initial=60)
    topics = forms.MultipleChoiceField(
        label=_("What did you work on?"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )
    another_meeting = forms.BooleanField(
        label=_("Yes, this is another meeting on the same day"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Meeting
        fields = ["held_on", "duration_minutes", "mode", "topics", "note"]
        widgets = {
            "held_on": DateInput(),
            "mode": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, duo: Duo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duo = duo
        self.fields["held_on"].initial = timezone.localdate
        mode = self.fields["mode"]
        assert isinstance(mode, forms.ChoiceField)
        mode.choices = Meeting.Mode.choices  # radios: no "choose an option" among the answers
        mode.initial = Meeting.Mode.IN_PERSON
        self.fields["note"].help_text = _("Optional. Visible to the other member and to your coordinator.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        held_on = data.get("held_on")
        if self.duo is None or held_on is None or data.get("another_meeting"):
            return data
        if self.duo.meetings.filter(held_on=held_on).exists():
            # Asked once: the box appears with the message, ticked it lets the meeting through.
            self.fields["another_meeting"].widget = forms.CheckboxInput()
            self.add_error(
                "held_on",
                _(
                    "A meeting on this day is already recorded for your duo. If this is another "
                    "meeting, tick the box below and save again."
                ),
            )
        return data

    def meeting_fields(self) -> dict[str, Any]:
        """The meeting's own fields, for `record_meeting`."""
        return {k: v for k, v in self.cleaned_data.items() if k != "another_meeting"}


class IntroductionForm(BinomeModelForm):
    class Meta:
        model = NetworkIntroduction
        fields = ["introduced_on", "contact_role", "company", "sector", "meeting_followed"]
        widgets = {"introduced_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["introduced_on"].initial = timezone.localdate


class SharingForm(BinomeForm):
    email = forms.BooleanField(label=_("Show my email address to my duo partner"), required=False)
    phone = forms.BooleanField(label=_("Show my phone number to my duo partner"), required=False)


class DuoStatusForm(BinomeForm):
    status = forms.ChoiceField(label=_("New status"), choices=Duo.Status.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    mentee_stays = forms.BooleanField(
        label=_("The mentee stays in the programme and can be paired again"), required=False, initial=True
    )


class PhoneConfirmationForm(BinomeForm):
    """A coordinator records that a member confirmed a meeting on the phone."""

    member = forms.ChoiceField(label=_("Who confirmed on the phone?"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("Why the member confirmed on the phone rather than in Binôme. Both members will see it."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ChoiceField)
        member.choices = choices
        if len(choices) == 1:  # the member who did not record it: already chosen
            member.initial = choices[0][0]


class PeriodForm(BinomeForm):
    """The period of an hours page (?start=…&end=…), both days included."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period must end after it starts."))
        return data


def period_from(query: Any, default: Period) -> tuple[Period, PeriodForm]:
    """The period asked for in the query string (?start=…&end=…; a side missing takes the
    default's), or the default when the dates are wrong (the form then shows why)."""
    form = PeriodForm({"start": query.get("start") or default.start, "end": query.get("end") or default.end})
    if not form.is_valid():
        return default, form
    return Period(form.cleaned_data["start"], form.cleaned_data["end"]), form
