"""Forms of the duo pages: phone-first, plain HTML inputs that work without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import BinomeForm, BinomeModelForm
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
    duration_minutes = forms.TypedChoiceField(label=_("Duration"), choices=DURATIONS, coerce=int, initial=60)
    topics = forms.MultipleChoiceField(
        label=_("What did you work on?"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Meeting
        fields = ["held_on", "duration_minutes", "mode", "topics", "note"]
        widgets = {
            "held_on": DateInput(),
            "mode": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate
        self.fields["mode"].initial = Meeting.Mode.IN_PERSON
        self.fields["note"].help_text = _("Optional. Visible to the other member and to your coordinator.")


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
