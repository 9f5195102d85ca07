from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "binome.people"
    label = "people"
