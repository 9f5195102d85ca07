"""The data inventory covers every field of every model holding personal data."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.db.models import Model

from binome.privacy import inventory


def model_fields(model: type[Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields} | {f.name for f in model._meta.many_to_many}


def test_every_field_of_every_personal_model_is_in_the_inventory() -> None:
    entries = inventory.entries()
    missing_models = []
    missing_fields = []
    for model in inventory.personal_models():
        entry = entries.get(model._meta.label_lower)
        if entry is None:
            missing_models.append(model._meta.label)
            continue
        missing_fields += [f"{model._meta.label}.{name}" for name in sorted(model_fields(model) - set(entry.fields))]
    assert not missing_models, f"Models with personal data missing from binome/privacy/inventory.py: {missing_models}"
    assert not missing_fields, f"Fields missing from binome/privacy/inventory.py: {missing_fields}"


def test_the_inventory_names_no_field_that_does_not_exist() -> None:
    from django.apps import apps

    stale = []
    for entry in inventory.INVENTORY:
        model = apps.get_model(entry.label)
        stale += [f"{entry.label}.{name}" for name in sorted(set(entry.fields) - model_fields(model))]
    assert not stale


def test_the_walk_finds_the_models_it_must() -> None:
    labels = {m._meta.label for m in inventory.personal_models()}
    assert {
        "people.Person",
        "people.MenteeProfile",
        "sourcing.Referral",
        "meetings.AlertNote",
        "accounts.User",
    } <= labels
    assert "reference.Occupation" not in labels
    assert "territories.Territory" not in labels


def test_the_sensitive_category_is_exactly_the_fields_encrypted_at_rest() -> None:
    from binome.lib.encryption.rotation import encrypted_fields

    encrypted = {f"{model._meta.label_lower}.{name}" for model, names in encrypted_fields() for name in names}
    sensitive = {
        f"{entry.label.lower()}.{name}"
        for entry in inventory.INVENTORY
        for name, category in entry.fields.items()
        if category == inventory.Category.SENSITIVE
    }
    assert {"pairing.duo.end_reason", "pairing.duo.pause_reason", "meetings.meeting.note"} <= encrypted
    assert encrypted == sensitive  # the register's "Sensitive (encrypted at rest)" says the truth


def test_every_entry_has_a_known_retention_rule_and_category() -> None:
    for entry in inventory.INVENTORY:
        assert entry.retention in inventory.RETENTION
        assert set(entry.fields.values()) <= set(inventory.Category.values)


@pytest.mark.django_db
def test_the_register_command_writes_markdown_and_csv() -> None:
    out = io.StringIO()
    call_command("processing_register", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == len(inventory.register_rows())
    status = next(r for r in rows if r["model"] == "people.MenteeProfile" and r["field"] == "protection_status")
    assert status["category"] == "Sensitive (encrypted at rest)"
    out = io.StringIO()
    call_command("processing_register", "--format", "md", stdout=out)
    assert "| people.Person | person | first_name | first name | Identity |" in out.getvalue()
    assert "Consent texts" in out.getvalue()
