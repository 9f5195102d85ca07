from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "binome.pairing"
    label = "pairing"
