"""The question editor's form: one question's texts in three languages, its choices written one
per line, its bounds and its condition, turned into the spec the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import BinomeForm
from binome.surveys.editing import CHOICE_KINDS, LANGUAGES
from binome.surveys.models import QuestionKind

SEPARATOR = "|"


def _split(line: str) -> list[str]:
    return [part.strip() for part in line.split(SEPARATOR)]


def texts_to_line(texts: dict[str, str] | None) -> str:
    texts = texts or {}
    if not any(texts.get(lang) for lang in LANGUAGES):
        return ""
    return f" {SEPARATOR} ".join(texts.get(lang, "") for lang in LANGUAGES)


def line_to_texts(line: str) -> dict[str, str]:
    return {lang: text for lang, text in zip(LANGUAGES, _split(line), strict=False) if text}


def choices_to_text(choices: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c['key']} {SEPARATOR} {texts_to_line(c.get('label'))}" for c in choices)


class QuestionForm(BinomeForm):
    key = forms.SlugField(
        label=_("Key"),
        max_length=40,
        help_text=_("A stable name for reports, e.g. housing_status. It cannot change later."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    label_fr = forms.CharField(label=_("Question (French)"), max_length=500)
    label_en = forms.CharField(label=_("Question (English)"), max_length=500, required=False)
    label_ar = forms.CharField(label=_("Question (Arabic)"), max_length=500, required=False)
    help_fr = forms.CharField(label=_("Help text (French)"), max_length=500, required=False)
    help_en = forms.CharField(label=_("Help text (English)"), max_length=500, required=False)
    help_ar = forms.CharField(label=_("Help text (Arabic)"), max_length=500, required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Single or multiple choice: one choice per line, as key | French | English | Arabic."),
    )
    min_value = forms.IntegerField(label=_("Lowest value"), required=False, min_value=-1000000, max_value=1000000)
    max_value = forms.IntegerField(label=_("Highest value"), required=False, min_value=-1000000, max_value=1000000)
    min_label = forms.CharField(
        label=_("Label of the lowest value"),
        required=False,
        max_length=300,
        help_text=_("Scale: French | English | Arabic."),
    )
    max_label = forms.CharField(
        label=_("Label of the highest value"),
        required=False,
        max_length=300,
        help_text=_("Scale: French | English | Arabic."),
    )
    required = forms.BooleanField(label=_("An answer is needed before sending"), required=False)
    show_if_key = forms.ChoiceField(label=_("Show only if the question"), required=False)
    show_if_values = forms.CharField(
        label=_("has one of the answers"),
        required=False,
        max_length=300,
        help_text=_("Keys of its choices, separated by commas."),
    )
    note = forms.CharField(
        label=_("What changed and why"),
        required=False,
        max_length=200,
        help_text=_("Kept with the version, for whoever reads the figures later."),
    )

    def __init__(self, *args: Any, earlier_keys: list[str], fixed_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_if = self.fields["show_if_key"]
        assert isinstance(show_if, forms.ChoiceField)
        show_if.choices = [("", _("(always shown)"))] + [(key, key) for key in earlier_keys]
        self.fixed_key = fixed_key
        if fixed_key is not None:
            # An existing question keeps its key: answers and reports find it by that key.
            self.fields["key"].required = False
            self.fields["key"].disabled = True
            self.initial["key"] = fixed_key

    @classmethod
    def initial_from(cls, spec: dict[str, Any]) -> dict[str, Any]:
        rule = spec.get("show_if") or {}
        values = [rule["equals"]] if "equals" in rule else list(rule.get("in") or [])
        initial: dict[str, Any] = {
            "key": spec["key"],
            "kind": spec["kind"],
            "choices": choices_to_text(spec.get("choices") or []),
            "min_value": spec.get("min_value"),
            "max_value": spec.get("max_value"),
            "min_label": texts_to_line(spec.get("min_label")),
            "max_label": texts_to_line(spec.get("max_label")),
            "required": spec.get("required", False),
            "show_if_key": rule.get("key", ""),
            "show_if_values": ", ".join(str(v) for v in values),
        }
        for lang in LANGUAGES:
            initial[f"label_{lang}"] = (spec.get("label") or {}).get(lang, "")
            initial[f"help_{lang}"] = (spec.get("help") or {}).get(lang, "")
        return initial

    def clean_choices(self) -> list[dict[str, Any]]:
        text: str = self.cleaned_data.get("choices") or ""
        choices = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = _split(line)
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(n)s: write the key, then the French text, separated by |.") % {"n": number}
                )
            choices.append({"key": parts[0], "label": line_to_texts(SEPARATOR.join(parts[1:]))})
        return choices

    def spec(self) -> dict[str, Any]:
        """The question as the services take it (call after is_valid())."""
        data = self.cleaned_data
        kind = data["kind"]
        values = [v.strip() for v in (data.get("show_if_values") or "").split(",") if v.strip()]
        show_if: dict[str, Any] | None = None
        if data.get("show_if_key"):
            key = data["show_if_key"]
            show_if = {"key": key, "equals": values[0]} if len(values) == 1 else {"key": key, "in": values}
        spec: dict[str, Any] = {
            "kind": kind,
            "label": {lang: data[f"label_{lang}"].strip() for lang in LANGUAGES if data[f"label_{lang}"].strip()},
            "help": {lang: data[f"help_{lang}"].strip() for lang in LANGUAGES if data[f"help_{lang}"].strip()},
            # Bounds and choices only mean something for some types: other types drop them.
            "choices": data["choices"] if kind in CHOICE_KINDS else [],
            "min_value": data.get("min_value") if kind in (QuestionKind.SCALE, QuestionKind.NUMBER) else None,
            "max_value": data.get("max_value") if kind in (QuestionKind.SCALE, QuestionKind.NUMBER) else None,
            "min_label": line_to_texts(data.get("min_label") or "") if kind == QuestionKind.SCALE else {},
            "max_label": line_to_texts(data.get("max_label") or "") if kind == QuestionKind.SCALE else {},
            "required": bool(data.get("required")),
            "show_if": show_if,
        }
        if self.fixed_key is None:
            spec["key"] = data["key"]
        return spec

    def add_spec_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the services' messages beside the fields they are about."""
        fields = {
            "key": "key",
            "kind": "kind",
            "label": "label_fr",
            "choices": "choices",
            "min_value": "min_value",
            "max_value": "max_value",
            "show_if": "show_if_values",
        }
        for field, messages in errors.items():
            for message in messages:
                self.add_error(fields.get(field), message)
