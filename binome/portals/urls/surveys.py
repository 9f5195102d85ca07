"""Pages of the surveys area; every route needs a policy in binome/portals/tests/policies/surveys.py."""

from django.urls import path

from binome.portals.views import surveys

urlpatterns = [
    # The respondent's personal link: no login, the secret finds one invitation.
    path("s/<str:token>/", surveys.respond, name="survey_respond"),
    path("s/<str:token>/thanks/", surveys.thanks, name="survey_thanks"),
    path("surveys/<int:pk>/start/", surveys.start, name="survey_start"),
    path("staff/cohorts/<int:pk>/surveys/", surveys.cohort_surveys, name="staff_cohort_surveys"),
    path("staff/surveys/waves/<int:pk>/", surveys.wave, name="staff_survey_wave"),
    path("staff/surveys/invitations/<int:pk>/resend/", surveys.resend, name="staff_survey_resend"),
    path("staff/surveys/invitations/<int:pk>/enter/", surveys.enter, name="staff_survey_enter"),
    path("staff/surveys/instruments/", surveys.instruments, name="staff_survey_instruments"),
    path("staff/surveys/instruments/<int:pk>/", surveys.instrument, name="staff_survey_instrument"),
]
