"""Forms of a territory's own settings."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from binome.lib.forms import BinomeForm

# Digits with the separators people type ("01 23 45 67 89", "+33 1 23 45 67 89", "01.23.45.67.89").
PHONE = RegexValidator(r"^\+?[0-9][0-9 .\-()]{5,28}$", _("Enter a phone number: digits, spaces and an optional +."))


class TerritoryContactForm(BinomeForm):
    phone = forms.CharField(
        label=_("Phone line for mentees and mentors"),
        max_length=30,
        required=False,
        validators=[PHONE],
        help_text=_("The team's phone, shown on their home pages with the coordinators' names."),
    )
    email = forms.EmailField(label=_("Email address for mentees and mentors"), required=False)
