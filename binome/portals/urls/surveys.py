"""Surveys: the respondent's personal link, the member's way in, and the staff pages of waves and
instruments.

Names are `surveys:<name>`; every route needs a policy in binome/portals/tests/policies/surveys.py."""

from django.urls import URLPattern, path

from binome.portals.views import surveys

app_name = "surveys"

urlpatterns: list[URLPattern] = [
    path("s/<str:token>/", surveys.respond, name="respond"),
    path("s/<str:token>/thanks/", surveys.thanks, name="thanks"),
    path("surveys/<int:pk>/start/", surveys.start, name="start"),
    path("staff/cohorts/<int:pk>/surveys/", surveys.cohort_surveys, name="cohort_surveys"),
    path("staff/surveys/waves/<int:pk>/", surveys.wave, name="wave"),
    path("staff/surveys/invitations/<int:pk>/resend/", surveys.resend, name="resend"),
    path("staff/surveys/invitations/<int:pk>/enter/", surveys.enter, name="enter"),
    path("staff/surveys/instruments/", surveys.instruments, name="instruments"),
    path("staff/surveys/instruments/<int:pk>/", surveys.instrument, name="instrument"),
]
