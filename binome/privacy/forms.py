from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import BinomeForm, BinomeModelForm
from binome.privacy.models import Breach


class ErasureForm(BinomeForm):
    confirm = forms.BooleanField(
        label=_("I understand: the name, contact details, notes and reasons of this file are erased for good."),
        required=True,
    )


class BreachForm(BinomeModelForm):
    class Meta:
        model = Breach
        fields = [
            "occurred_on",
            "discovered_on",
            "nature",
            "categories",
            "people_affected",
            "consequences",
            "measures",
            "notified_to_cnil",
            "cnil_notified_on",
            "people_informed_on",
        ]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "discovered_on": forms.DateInput(attrs={"type": "date"}),
            "cnil_notified_on": forms.DateInput(attrs={"type": "date"}),
            "people_informed_on": forms.DateInput(attrs={"type": "date"}),
            "nature": forms.Textarea(attrs={"rows": 3}),
            "categories": forms.Textarea(attrs={"rows": 2}),
            "consequences": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("notified_to_cnil") and not data.get("cnil_notified_on"):
            self.add_error("cnil_notified_on", _("Give the date the CNIL was notified."))
        occurred, discovered = data.get("occurred_on"), data.get("discovered_on")
        if occurred and discovered and discovered < occurred:
            self.add_error("discovered_on", _("A breach cannot be discovered before it happened."))
        return data
