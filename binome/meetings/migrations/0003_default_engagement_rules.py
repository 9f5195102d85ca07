from django.db import migrations


def create_default(apps, schema_editor):
    EngagementRules = apps.get_model("meetings", "EngagementRules")
    if not EngagementRules.objects.filter(territory__isnull=True).exists():
        EngagementRules.objects.create(territory=None)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_engagement")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
