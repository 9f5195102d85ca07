from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "binome.meetings"
    label = "meetings"
