"""The base of every form of the project: no control character gets into a text field.

A name such as "Amina\\r\\nBcc: …" breaks the email subjects it is put in (the referrer's status
email failed, issue #15, F14), splits CSV rows and hides text on screen. Every form of binome/
derives from `BinomeForm` or `BinomeModelForm` (binome/lib/tests/test_forms.py walks the package
and fails on one that does not). Just before cleaning, each text field (forms.CharField and its
subclasses, also those a form adds in `__init__`) gets a validator: single-line inputs refuse
every C0 and C1 control character (tab, CR and LF included) and the Unicode line separators;
textareas allow newline, carriage return and tab only. The error is a field message, so the
form re-renders with it and nothing is saved.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MULTILINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


@deconstructible
class NoControlCharacters:
    code = "control_character"

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline
        self.pattern = MULTILINE_FORBIDDEN if multiline else SINGLE_LINE_FORBIDDEN

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and self.pattern.search(value):
            if self.multiline:
                message = _("This text contains an invisible control character: retype it without.")
            else:
                message = _(
                    "This field must fit on one line, without a line break, a tab or another invisible "
                    "control character."
                )
            raise ValidationError(message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


SINGLE_LINE = NoControlCharacters(multiline=False)
MULTILINE = NoControlCharacters(multiline=True)


def text_validator_for(field: forms.Field) -> NoControlCharacters | None:
    """The validator a form field needs, or None when it takes no free text."""
    if not isinstance(field, forms.CharField):
        return None
    return MULTILINE if isinstance(field.widget, forms.Textarea) else SINGLE_LINE


class TextHygieneMixin:
    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for field in self.fields.values():
            validator = text_validator_for(field)
            if validator is not None and not any(isinstance(v, NoControlCharacters) for v in field.validators):
                # self.fields holds per-instance copies: the class's declared fields are untouched.
                field.validators = [*field.validators, validator]
        super().full_clean()  # type: ignore[misc]


class BinomeForm(TextHygieneMixin, forms.Form):
    """`forms.Form`, refusing control characters in text fields."""


class BinomeModelForm(TextHygieneMixin, forms.ModelForm):
    """`forms.ModelForm`, refusing control characters in text fields."""


# A record id from a query string or a ticked box: ASCII digits only (str.isdigit() also accepts
# "²" and "٣", which int() refuses) and small enough for a 64-bit primary key (SQLite raises
# OverflowError on larger numbers).
RECORD_ID = re.compile(r"[0-9]{1,18}")


def record_id(text: object) -> int | None:
    """The id written in `text`, or None when it is not one."""
    if isinstance(text, str) and RECORD_ID.fullmatch(text):
        return int(text)
    return None


def record_ids(values: list[str]) -> list[int]:
    """The ids among `values`, sorted and without repeats; anything that is not one is dropped."""
    return sorted({found for found in map(record_id, values) if found is not None})
