from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    from binome.cohorts.programme_data import create_default_programme

    create_default_programme(
        apps.get_model("cohorts", "ProgrammeTemplate"),
        apps.get_model("cohorts", "CurriculumItem"),
        apps.get_model("cohorts", "Resource"),
    )


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0002_programmes")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
