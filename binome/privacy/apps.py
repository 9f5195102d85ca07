from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "binome.privacy"
    label = "privacy"
