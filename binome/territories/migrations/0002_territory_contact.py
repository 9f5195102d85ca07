import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="TerritoryContact",
            fields=[
                (
                    "territory",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="contact",
                        serialize=False,
                        to="territories.territory",
                        verbose_name="territory",
                    ),
                ),
                ("phone", models.CharField(blank=True, max_length=30, verbose_name="contact phone")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="contact email")),
            ],
            options={"verbose_name": "territory contact", "verbose_name_plural": "territory contacts"},
        ),
    ]
