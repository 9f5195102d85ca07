"""`{{ cents|euros }}`: integer cents shown as euros in the active language (1 234,56 € in French)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    if cents is None:
        return ""
    amount = Decimal(int(cents)) / 100
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)}\u00a0€"
