"""National admins edit the eligibility rules and publish consent texts here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from binome.lib.forms import BinomeModelForm
from binome.people.models import MenteeProfile
from binome.sourcing.models import Consent, ConsentText, EligibilityRules


class EligibilityRulesForm(BinomeModelForm):
    protection_statuses = forms.MultipleChoiceField(
        label=EligibilityRules._meta.get_field("protection_statuses").verbose_name,
        choices=MenteeProfile.ProtectionStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=EligibilityRules._meta.get_field("protection_statuses").help_text,
    )

    class Meta:
        model = EligibilityRules
        fields = [
            "territory",
            "protection_statuses",
            "require_right_to_work",
            "min_age",
            "max_age",
            "min_french_level",
            "max_distance_km",
            "places",
            "require_six_month_availability",
            "require_target_occupation",
        ]


@admin.register(EligibilityRules)
class EligibilityRulesAdmin(admin.ModelAdmin):
    form = EligibilityRulesForm
    list_display = ["__str__", "min_age", "max_age", "min_french_level", "max_distance_km"]
    raw_id_fields = ["places"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["version", "in_force_from"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A text people agreed to is never edited: publish a new version instead.
        if obj is not None and Consent.objects.filter(text=obj).exists():
            return ["version", "in_force_from", "body_fr", "body_en", "body_ar"]
        return []
