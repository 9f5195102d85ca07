"""Programme delivery: cohorts, calendars, workshops and attendance (staff), the national
comparison and opening a territory (national admins), calendar feeds and teaching material."""

from django.urls import path

from binome.portals.views.cohorts import calendar, programmes

urlpatterns = [
    path("staff/cohorts/", programmes.cohorts, name="staff_cohorts"),
    path("staff/cohorts/<int:pk>/calendar/", programmes.cohort_calendar, name="staff_cohort_calendar"),
    path("staff/workshops/<int:pk>/", programmes.workshop, name="staff_workshop"),
    path("staff/workshops/<int:pk>/invite/", programmes.workshop_invite, name="staff_workshop_invite"),
    path("staff/workshops/<int:pk>/cancel/", programmes.workshop_cancel, name="staff_workshop_cancel"),
    path("staff/workshops/<int:pk>/attendance/", programmes.workshop_attendance, name="staff_workshop_attendance"),
    path(
        "staff/workshops/<int:pk>/attendance/<int:invitation_pk>/",
        programmes.workshop_mark,
        name="staff_workshop_mark",
    ),
    path("staff/templates/", programmes.templates, name="staff_templates"),
    path("staff/templates/<int:pk>/", programmes.template_detail, name="staff_template"),
    path("staff/national/", programmes.national, name="staff_national"),
    path("staff/open-territory/", programmes.open_territory, name="staff_open_territory"),
    path("staff/territories/<slug:slug>/checklist/", programmes.territory_checklist, name="staff_territory_checklist"),
    path("calendar/", calendar.feed_manage, name="calendar_feed_manage"),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar_feed"),
    path("resources/", calendar.resources, name="resources"),
    path("resources/<int:pk>/file/", calendar.resource_file, name="resource_file"),
]
