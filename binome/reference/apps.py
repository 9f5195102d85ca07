from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "binome.reference"
    label = "reference"
