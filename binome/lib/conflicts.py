"""Optimistic locking for staff edit forms: two people editing the same file never overwrite each
other in silence.

The edit page carries, in a hidden `version` field, a signed snapshot of the values it was built
from. On save, the view compares that snapshot with the record's values now (read under a row
lock); if someone else changed any of them meanwhile, nothing is saved and the form comes back
with the other person's changes listed, and a fresh version, so a second save is a deliberate one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.core import signing
from django.db.models import Model
from django.utils.translation import gettext as _

from binome.lib.forms import BinomeForm

SALT = "binome.edit-version"


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return f"{value._meta.label}:{value.pk}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(_plain(item)) for item in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def version_of(values: Mapping[str, Any]) -> str:
    return signing.dumps({name: _plain(value) for name, value in values.items()}, salt=SALT, compress=True)


def changed_since(version: str, current: Mapping[str, Any]) -> list[str]:
    """The fields whose value is no longer the one the form was built from (all of them if the
    version is forged). A post without any version (a script, not the page) is not checked."""
    if not version:
        return []
    try:
        seen = signing.loads(version, salt=SALT)
    except signing.BadSignature:
        return list(current)
    return [name for name, value in current.items() if seen.get(name, object()) != _plain(value)]


class VersionedForm(BinomeForm):
    version = forms.CharField(widget=forms.HiddenInput, required=False)


def with_version[F: forms.Form](form_class: type[F]) -> type[F]:
    """The form class with a hidden `version` field."""
    return cast(type[F], type(f"Versioned{form_class.__name__}", (VersionedForm, form_class), {}))


def _shown(value: Any) -> str:
    if value in (None, "", [], ()):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def report_conflict(form: forms.Form, changed: list[str], current: Mapping[str, Any]) -> None:
    """Put the conflict on the form and arm it with the current version."""
    listed = "; ".join(
        f"{form.fields[name].label if name in form.fields else name}: {_shown(current[name])}" for name in changed
    )
    form.add_error(
        None,
        _(
            "Someone else changed this file while you were editing it, so your changes were not saved. "
            "Their changes (value now): %(changes)s. Check the form and save again."
        )
        % {"changes": listed},
    )
    data = cast(Any, form.data).copy()
    data["version"] = version_of(current)
    form.data = data
