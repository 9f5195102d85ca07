"""The import's mapping step: one select per column of the file (see importing/mapping.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.lib.forms import BinomeForm
from binome.sourcing.importing.columns import COLUMNS
from binome.sourcing.importing.service import column_letter


class ColumnMappingForm(BinomeForm):
    """`column_<index>`: the field that column holds, or "" to ignore it."""

    def __init__(self, *args: Any, headers: list[str], initial_mapping: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", gettext_lazy("— Ignore this column —"))] + [
            (column.key, f"{str(column.label).capitalize()}{' *' if column.required else ''}") for column in COLUMNS
        ]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(column %(letter)s, no header)") % {"letter": column_letter(index)},
                choices=choices,
                required=False,
                initial=initial_mapping.get(index, ""),
                help_text=_("Column %(letter)s") % {"letter": column_letter(index)},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            key = cleaned.get(f"column_{index}")
            if not key:
                continue
            name = f"column_{index}"
            if key in first:
                self.add_error(
                    name,
                    _("“%(other)s” already holds this field: choose another one, or ignore one of the two columns.")
                    % {"other": first[key]},
                )
            else:
                first[key] = header or column_letter(index)
        missing = [str(column.label) for column in COLUMNS if column.required and column.key not in first]
        if missing:
            raise forms.ValidationError(
                _("No column holds these required fields: %(fields)s. Choose the column for each.")
                % {"fields": ", ".join(missing)}
            )
        return cleaned

    def mapping(self) -> dict[int, str]:
        return {index: self.cleaned_data.get(f"column_{index}") or "" for index in range(len(self.headers))}
