"""Forms of the matching board. Weights are typed as whole numbers: only their ratios matter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import BinomeForm
from binome.pairing.models import MatchRun
from binome.pairing.reasons import CRITERIA_LABELS, MODE_HELP

PRESET_LABELS = {
    "balanced": _("Balanced"),
    "occupation_first": _("Occupation first"),
    "proximity_first": _("Proximity first"),
}


def weights_as_percent(weights: dict[str, float]) -> dict[str, int]:
    import matching  # on first use, not at start-up: see binome/pairing/engine.py

    total = sum(weights.values()) or 1.0
    return {key: round(100 * weights.get(key, 0.0) / total) for key in matching.CRITERIA}


class MatchSettingsForm(BinomeForm):
    mode = forms.ChoiceField(
        label=_("Priority"),
        choices=[(value, f"{label} — {MODE_HELP[value]}") for value, label in MatchRun.Mode.choices],
        widget=forms.RadioSelect,
        initial=MatchRun.Mode.COVERAGE_FIRST,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in CRITERIA_LABELS.items():
            self.fields[f"w_{key}"] = forms.IntegerField(label=str(label), min_value=0, max_value=100)

    def clean(self) -> dict[str, Any]:
        import matching  # on first use, not at start-up

        data = super().clean() or {}
        values = [data.get(f"w_{key}") for key in matching.CRITERIA]
        if all(v is not None for v in values) and not any(values):
            raise forms.ValidationError(_("Give at least one criterion a weight above zero."))
        return data

    def weights(self) -> dict[str, float]:
        import matching  # on first use, not at start-up

        return {key: float(self.cleaned_data[f"w_{key}"]) for key in matching.CRITERIA}

    @classmethod
    def initial_for(cls, weights: dict[str, float], mode: str) -> dict[str, Any]:
        return {"mode": mode} | {f"w_{k}": v for k, v in weights_as_percent(weights).items()}


class PoolSelect(forms.Select):
    """A <select> of a whole pool, written in one pass: Django's own renders each <option> through a
    template, about 50 µs each, which a big city's pool of a thousand people makes 50 ms."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class PairForm(BinomeForm):
    mentee = forms.TypedChoiceField(label=_("Mentee"), coerce=int, widget=PoolSelect)
    mentor = forms.TypedChoiceField(label=_("Mentor"), coerce=int, widget=PoolSelect)

    def __init__(self, *args: Any, mentees: list[tuple[int, str]], mentors: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].choices = [("", "—"), *mentees]  # type: ignore[attr-defined]
        self.fields["mentor"].choices = [("", "—"), *mentors]  # type: ignore[attr-defined]


class ConfirmRunForm(BinomeForm):
    """The confirmation step: carries the number of duos the page announced, so the duos are
    created only if that is still what confirming creates."""

    duos = forms.IntegerField(label=_("Duos"), widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, expected: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["duos"].initial = expected

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or data.get("duos") != self.expected:  # a hidden field: said for the whole form
            self.errors.clear()
            raise forms.ValidationError(
                _(
                    "The board changed since this page was shown: %(count)s duos would now be created. "
                    "Check them again."
                ),
                params={"count": self.expected},
            )
        return data
