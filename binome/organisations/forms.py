from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import BinomeForm, BinomeModelForm
from binome.organisations.models import CompanyRelation, Contact, Exchange, Organisation
from binome.territories.models import Territory


class DateInput(forms.DateInput):
    input_type = "date"


class ProspectForm(BinomeForm):
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none())
    name = forms.CharField(label=_("Company name"), max_length=200)
    next_action = forms.CharField(label=_("Next action"), max_length=200, required=False)
    next_action_on = forms.DateField(label=_("Next action on"), required=False, widget=DateInput)

    def __init__(self, *args: Any, territories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["territory"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = territories


class StageForm(BinomeForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=CompanyRelation.Stage.choices)
    lost_reason = forms.CharField(label=_("Why it was lost"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_action = forms.CharField(label=_("Next action"), max_length=200, required=False)
    next_action_on = forms.DateField(label=_("Next action on"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("stage") == CompanyRelation.Stage.LOST and not (data.get("lost_reason") or "").strip():
            self.add_error("lost_reason", _("Say why this company was lost."))
        return data


class ContactForm(BinomeModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone"]


class ExchangeForm(BinomeModelForm):
    class Meta:
        model = Exchange
        fields = ["happened_on", "kind", "contact", "summary"]
        widgets = {"happened_on": DateInput, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisation.contacts.all()
        field.required = False


class PartnerAgreementForm(BinomeForm):
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DateInput)
    document_reference = forms.CharField(label=_("Document reference"), max_length=200, required=False)
