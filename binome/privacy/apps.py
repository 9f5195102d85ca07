from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "binome.privacy"
    label = "privacy"

    def ready(self) -> None:
        from binome.privacy import checks  # noqa: F401  (registers the deploy check)
