from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "binome.lib"
    label = "lib"
