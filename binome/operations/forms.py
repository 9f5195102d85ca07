from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import ProgrammeTemplate
from binome.lib.forms import BinomeForm
from binome.reference.forms import PlaceField


class OpenTerritoryForm(BinomeForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.SlugField(label=_("Short name in addresses (slug)"), max_length=50)
    centre = PlaceField(label=_("Centre"))
    radius_km = forms.IntegerField(label=_("Radius (km)"), min_value=1, max_value=300, initial=40)
    coordinators = forms.CharField(
        label=_("Coordinators' emails"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. New accounts get an email to choose their password."),
    )
    template = forms.ModelChoiceField(
        label=_("Programme template to copy"),
        queryset=ProgrammeTemplate.objects.filter(territory=None),
        required=False,
        empty_label=_("The default template"),
    )

    def coordinator_emails(self) -> list[str]:
        raw: str = self.cleaned_data["coordinators"]
        return [e for e in raw.replace(",", "\n").replace(";", "\n").split() if e]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "slug": data["slug"],
            "centre": data["centre"],
            "radius_km": data["radius_km"],
            "coordinator_emails": self.coordinator_emails(),
            "template": data["template"],
        }
