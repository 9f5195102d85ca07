from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import Audience, ItemKind, ProgrammeTemplate, Workshop
from binome.lib.forms import BinomeForm
from binome.territories.models import Territory

PARIS = ZoneInfo("Europe/Paris")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CohortForm(BinomeForm):
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none())
    name = forms.CharField(label=_("Name"), max_length=120)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    template = forms.ModelChoiceField(
        label=_("Programme template"),
        queryset=ProgrammeTemplate.objects.none(),
        required=False,
        empty_label=_("None: an empty calendar"),
    )

    def __init__(self, *args: Any, territories: QuerySet[Territory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory_field = self.fields["territory"]
        template_field = self.fields["template"]
        assert isinstance(territory_field, forms.ModelChoiceField)
        assert isinstance(template_field, forms.ModelChoiceField)
        territory_field.queryset = territories
        template_field.queryset = ProgrammeTemplate.objects.filter(
            Q(territory=None) | Q(territory__in=territories)
        ).select_related("territory")
        default = ProgrammeTemplate.objects.filter(is_default=True).first()
        if default is not None:
            template_field.initial = default.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The cohort must end after it starts."))
        template, territory = data.get("template"), data.get("territory")
        if template and territory and template.territory_id not in (None, territory.pk):
            self.add_error("template", _("This template belongs to another territory."))
        return data


class WorkshopForm(BinomeForm):
    title = forms.CharField(label=_("Title"), max_length=150)
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1000, required=False)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=150, required=False)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)

    @classmethod
    def for_workshop(cls, workshop: Workshop, data: Any = None) -> WorkshopForm:
        starts = timezone.localtime(workshop.starts_at, PARIS)
        ends = timezone.localtime(workshop.ends_at, PARIS)
        return cls(
            data,
            initial={
                "title": workshop.title,
                "day": starts.date(),
                "start_time": starts.time(),
                "end_time": ends.time(),
                "place": workshop.place,
                "capacity": workshop.capacity,
                "facilitator": workshop.facilitator,
                "audience": workshop.audience,
            },
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if isinstance(start, time) and isinstance(end, time) and end <= start:
            self.add_error("end_time", _("The workshop must end after it starts."))
        return data

    def values(self) -> dict[str, Any]:
        """Fields for `update_workshop`: times are Paris wall-clock times on the chosen day."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": datetime.combine(data["day"], data["start_time"], tzinfo=PARIS),
            "ends_at": datetime.combine(data["day"], data["end_time"], tzinfo=PARIS),
            "place": data["place"],
            "capacity": data["capacity"],
            "facilitator": data["facilitator"],
            "audience": data["audience"],
        }


class CurriculumItemForm(BinomeForm):
    """One event of a template's curriculum. Changing it changes cohorts created afterwards,
    never the calendars already generated."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    title = forms.CharField(label=_("Title"), max_length=150)
    offset_days = forms.IntegerField(
        label=_("Days from the cohort's start"),
        min_value=-60,
        max_value=400,
        help_text=_("Negative: before the start (mentor training)."),
    )
    start_time = forms.TimeField(label=_("Usual start time"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=600)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
