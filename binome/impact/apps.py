from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "binome.impact"
    label = "impact"

    def ready(self) -> None:
        # Imported here, once the models are loaded (Django's place for connecting signals).
        from binome.impact.survey_outcomes import record_survey_outcomes
        from binome.surveys.signals import response_submitted

        response_submitted.connect(record_survey_outcomes, dispatch_uid="impact.record_survey_outcomes")
