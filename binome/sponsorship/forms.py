"""Forms of the sponsorship pages. Amounts are typed in euros and handed to services in cents."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import BinomeForm
from binome.organisations.models import Organisation
from binome.sponsorship.models import Agreement, Offer

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EurosField(forms.DecimalField):
    """Euros with at most two decimals in the form; integer cents in `cleaned_data`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", Decimal("10000000"))
        super().__init__(max_digits=12, decimal_places=2, **kwargs)
        self.widget.attrs.setdefault("step", "0.01")
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> int | None:
        euros = super().clean(value)
        return None if euros is None else int(euros * 100)


class AgreementForm(BinomeForm):
    company = forms.ModelChoiceField(label=_("Company"), queryset=Organisation.objects.none())
    offer = forms.ModelChoiceField(label=_("Offer"), queryset=Offer.objects.filter(active=True))
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_INPUT)
    mentor_seats = forms.IntegerField(label=_("Mentor seats (events: number of events)"), min_value=1, max_value=1000)
    contribution = EurosField(
        label=_("Contribution (€)"), required=False, help_text=_("Leave empty to use the offer's price.")
    )
    override_reason = forms.CharField(
        label=_("Why the contribution differs from the offer's price"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args: Any, companies: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end <= start:
            self.add_error("ends_on", _("The agreement must end after it starts."))
        return data


class StatusForm(BinomeForm):
    status = forms.ChoiceField(label=_("New status"), choices=Agreement.Status.choices)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE_INPUT)


class InvoiceForm(BinomeForm):
    amount = EurosField(label=_("Amount (€)"))
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_INPUT)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_INPUT)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)


class PaymentForm(BinomeForm):
    amount = EurosField(label=_("Amount received (€)"))
    received_on = forms.DateField(label=_("Received on"), required=False, widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReversalForm(BinomeForm):
    reason = forms.CharField(label=_("Why"), max_length=300)


class HourlyCostForm(BinomeForm):
    hourly_cost = EurosField(label=_("Hourly cost of an employee's time (€)"), max_value=Decimal("10000"))


class StatementForm(BinomeForm):
    company = forms.ModelChoiceField(label=_("Company"), queryset=Organisation.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_INPUT)
    hourly_cost = EurosField(
        label=_("Hourly cost (€)"),
        required=False,
        max_value=Decimal("10000"),
        help_text=_("Leave empty to use the cost the company declared."),
    )
    commitment_days = forms.IntegerField(
        label=_("Commitment per employee (days)"), min_value=1, max_value=60, initial=3
    )

    def __init__(self, *args: Any, companies: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The period must end after it starts."))
        return data
