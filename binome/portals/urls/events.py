"""In-company events: staff of the territory; company contacts for their own company.

Names are `events:<name>`; every route needs a policy in binome/portals/tests/policies/events.py."""

from django.urls import URLPattern, path

from binome.portals.views import events

app_name = "events"

urlpatterns: list[URLPattern] = [
    path("staff/events/", events.events, name="events"),
    path("staff/events/<int:pk>/", events.event, name="event"),
    path("staff/events/<int:pk>/edit/", events.edit, name="event_edit"),
    path("staff/events/<int:pk>/cancel/", events.cancel, name="event_cancel"),
    path("staff/events/<int:pk>/register/", events.register, name="event_register"),
    path("staff/events/<int:pk>/attendance/<int:registration_pk>/", events.mark, name="event_mark"),
    path("staff/events/<int:pk>/attendance/<int:registration_pk>/remove/", events.unregister, name="event_unregister"),
    path("company/events/", events.company_events, name="company_events"),
    path("company/events/<int:pk>/", events.company_event, name="company_event"),
]
