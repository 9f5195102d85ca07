from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "binome.accounts"
    label = "accounts"

    def ready(self) -> None:
        from binome.accounts import checks, security  # noqa: F401  (registers checks and signal receivers)
