"""A fresh install has a national default rule set, so the pre-check works from day one.
National admins change it in the admin; territories may get their own."""

from django.db import migrations

DEFAULT_STATUSES = ["refugee", "subsidiary", "temporary", "stateless"]


def create_default(apps, schema_editor):  # type: ignore[no-untyped-def]
    rules = apps.get_model("sourcing", "EligibilityRules")
    if not rules.objects.filter(territory=None).exists():
        rules.objects.create(
            territory=None,
            protection_statuses=DEFAULT_STATUSES,
            require_right_to_work=True,
            min_age=18,
            max_age=None,
            min_french_level="A2",
            max_distance_km=None,
            require_six_month_availability=True,
            require_target_occupation=True,
        )


class Migration(migrations.Migration):
    dependencies = [("sourcing", "0002_consent_transitions_eligibility_enrolment")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
