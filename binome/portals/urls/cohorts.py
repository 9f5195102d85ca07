"""Programme delivery: cohorts, calendars, workshops and attendance (staff), programme templates,
calendar feeds and teaching material.

Names are `cohorts:<name>`; every route needs a policy in binome/portals/tests/test_authorization_matrix.py."""

from django.urls import URLPattern, path

from binome.portals.views.cohorts import calendar, programmes

app_name = "cohorts"

urlpatterns: list[URLPattern] = [
    path("staff/cohorts/", programmes.cohorts, name="cohorts"),
    path("staff/cohorts/<int:pk>/calendar/", programmes.cohort_calendar, name="cohort_calendar"),
    path("staff/cohorts/<int:pk>/calendar/publish/", programmes.calendar_publish, name="calendar_publish"),
    path("staff/workshops/<int:pk>/", programmes.workshop, name="workshop"),
    path("staff/workshops/<int:pk>/invite/", programmes.workshop_invite, name="workshop_invite"),
    path("staff/workshops/<int:pk>/cancel/", programmes.workshop_cancel, name="workshop_cancel"),
    path("staff/workshops/<int:pk>/attendance/", programmes.workshop_attendance, name="workshop_attendance"),
    path("staff/workshops/<int:pk>/attendance/<int:invitation_pk>/", programmes.workshop_mark, name="workshop_mark"),
    path("staff/templates/", programmes.templates, name="templates"),
    path("staff/templates/<int:pk>/", programmes.template_detail, name="template"),
    path("calendar/", calendar.feed_manage, name="calendar_feed_manage"),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar_feed"),
    path("calendar/workshops/<int:pk>.ics", calendar.workshop_ics, name="workshop_ics"),
    path("resources/", calendar.resources, name="resources"),
    path("resources/<int:pk>/file/", calendar.resource_file, name="resource_file"),
]
