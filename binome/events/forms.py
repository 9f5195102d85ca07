from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from binome.events.models import CompanyEvent
from binome.lib.forms import BinomeForm, BinomeModelForm
from binome.people.models import Person


class EventForm(BinomeModelForm):
    class Meta:
        model = CompanyEvent
        fields = ["company", "kind", "title", "starts_at", "duration_minutes", "format", "place", "capacity"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["company"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = companies


class RegisterForm(BinomeForm):
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class CancelForm(BinomeForm):
    reason = forms.CharField(
        label=_("Why is the event cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
