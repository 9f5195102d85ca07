from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The top layer: what an operator runs (demo data, daily jobs, backups, opening a territory)."""

    name = "binome.operations"
    label = "operations"
