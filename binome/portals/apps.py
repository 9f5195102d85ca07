from django.apps import AppConfig


class PortalsConfig(AppConfig):
    name = "binome.portals"
    label = "portals"
