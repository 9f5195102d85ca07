from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "binome.sourcing"
    label = "sourcing"
