from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "binome.impact"
    label = "impact"
