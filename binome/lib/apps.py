from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "binome.lib"
    label = "lib"

    def ready(self) -> None:
        from binome.lib.encryption import checks  # noqa: F401  (registers the deploy check)
