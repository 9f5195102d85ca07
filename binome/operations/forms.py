from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import ProgrammeTemplate
from binome.lib.forms import BinomeForm
from binome.organisations.models import Organisation
from binome.reference.forms import PlaceField
from binome.territories.models import Territory


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


class InviteAccountForm(BinomeForm):
    """Who to invite: the address the invitation goes to, and the name the account shows."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)


class PartnerForm(BinomeForm):
    """A new partner organisation, and optionally its first referrer invited at once."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(Organisation.Kind.NGO, _("NGO")), (Organisation.Kind.PUBLIC_INSTITUTION, _("Public institution"))],
        initial=Organisation.Kind.NGO,
    )
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none())
    referrer_email = forms.EmailField(
        label=_("Email of its first referrer"),
        max_length=254,
        required=False,
        help_text=_("Optional: they get an invitation to choose their password."),
    )
    referrer_first_name = forms.CharField(label=_("Their first name"), max_length=150, required=False)
    referrer_last_name = forms.CharField(label=_("Their last name"), max_length=150, required=False)

    def __init__(self, *args: Any, territories: Any, national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["territory"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = territories
        if national:  # a national admin may create a national partner (no territory)
            field.required = False
            field.empty_label = _("National (every territory)")
        else:
            field.empty_label = None
