from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "binome.events"
    label = "events"
