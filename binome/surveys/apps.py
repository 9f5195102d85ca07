from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "binome.surveys"
    label = "surveys"
