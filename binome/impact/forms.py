"""Forms of the impact pages: an outcome, a conflict decision, the dashboard's slice, a report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import Cohort
from binome.impact.models import Outcome, OutcomeConflict, Report
from binome.lib.forms import BinomeForm
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.reference.models import Occupation, Sector
from binome.territories.models import Territory


class OutcomeForm(BinomeForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Outcome.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    sector = forms.ModelChoiceField(
        label=_("Employer sector (NAF)"), queryset=Sector.objects.order_by("code"), required=False
    )
    occupation = forms.CharField(
        label=_("Occupation (ROME code)"), max_length=5, required=False, help_text=_("For example M1805.")
    )
    duo = forms.ModelChoiceField(label=_("Duo"), queryset=Duo.objects.none(), required=False)

    def __init__(self, *args: Any, duos: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if duos is not None:
            field = self.fields["duo"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = duos

    def clean_date(self) -> Any:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("An outcome cannot be dated in the future."))
        return value

    def clean_occupation(self) -> Occupation | None:
        code = self.cleaned_data["occupation"].strip().upper()
        if not code:
            return None
        occupation = Occupation.objects.filter(code=code).first()
        if occupation is None:
            raise forms.ValidationError(_("No ROME occupation has this code."))
        return occupation


class DecisionForm(BinomeForm):
    decision = forms.ChoiceField(
        choices=[
            (OutcomeConflict.Decision.KEEP_STAFF, OutcomeConflict.Decision.KEEP_STAFF.label),
            (OutcomeConflict.Decision.KEEP_SURVEY, OutcomeConflict.Decision.KEEP_SURVEY.label),
            (OutcomeConflict.Decision.KEEP_BOTH, OutcomeConflict.Decision.KEEP_BOTH.label),
        ]
    )


class SliceForm(BinomeForm):
    """The dashboard's filters; the choices are what the viewer may see."""

    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none(), required=False)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(), required=False)
    company = forms.ModelChoiceField(label=_("Company"), queryset=Organisation.objects.none(), required=False)
    partner = forms.ModelChoiceField(label=_("Referring partner"), queryset=Organisation.objects.none(), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, territories: Any, cohorts: Any, companies: Any, partners: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name, queryset in (
            ("territory", territories),
            ("cohort", cohorts),
            ("company", companies),
            ("partner", partners),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class ReportForm(BinomeForm):
    kind = forms.ChoiceField(label=_("Report"), choices=Report.Kind.choices)
    target = forms.IntegerField(required=False, widget=forms.HiddenInput)
    format = forms.ChoiceField(label=_("Format"), choices=Report.Format.choices)


class PublishForm(BinomeForm):
    """One button of the issuing page: the audience (a company, or none for the funders) and the period."""

    company = forms.IntegerField(required=False, min_value=1)
    period_kind = forms.ChoiceField(choices=[("quarter", "quarter"), ("year", "year")])
    period_start = forms.DateField()

    def clean(self) -> dict[str, Any]:
        from binome.impact import periods

        data = super().clean() or {}
        if "period_kind" in data and "period_start" in data:
            try:
                data["period"] = periods.of(data["period_kind"], data["period_start"])
            except ValueError:
                raise forms.ValidationError(_("Choose a closed quarter or year.")) from None
        return data
