from django.apps import AppConfig


class SponsorshipConfig(AppConfig):
    name = "binome.sponsorship"
    label = "sponsorship"
