"""Pages of the relations and events areas; every route needs a policy in
binome/portals/tests/policies/events.py."""

from django.urls import path

from binome.portals.views import events
from binome.portals.views import organisations as relations

urlpatterns = [
    # Company and partner relations (staff).
    path("staff/relations/", relations.board, name="staff_relations"),
    path("staff/relations/<int:pk>/", relations.organisation, name="staff_relation"),
    path("staff/relations/<int:pk>/move/", relations.move, name="staff_relation_move"),
    path("staff/relations/<int:pk>/contacts/", relations.add_contact, name="staff_relation_contact"),
    path(
        "staff/relations/<int:pk>/contacts/<int:contact_pk>/",
        relations.edit_contact,
        name="staff_relation_contact_edit",
    ),
    path(
        "staff/relations/<int:pk>/contacts/<int:contact_pk>/remove/",
        relations.remove_contact,
        name="staff_relation_contact_remove",
    ),
    path("staff/relations/<int:pk>/exchanges/", relations.add_exchange, name="staff_relation_exchange"),
    path("staff/relations/<int:pk>/agreements/", relations.add_agreement, name="staff_relation_agreement"),
    path("staff/partners/", relations.partners, name="staff_partners"),
    # In-company events: staff of the territory; company contacts for their own company.
    path("staff/events/", events.events, name="staff_events"),
    path("staff/events/<int:pk>/", events.event, name="staff_event"),
    path("staff/events/<int:pk>/edit/", events.edit, name="staff_event_edit"),
    path("staff/events/<int:pk>/cancel/", events.cancel, name="staff_event_cancel"),
    path("staff/events/<int:pk>/register/", events.register, name="staff_event_register"),
    path("staff/events/<int:pk>/attendance/<int:registration_pk>/", events.mark, name="staff_event_mark"),
    path(
        "staff/events/<int:pk>/attendance/<int:registration_pk>/remove/",
        events.unregister,
        name="staff_event_unregister",
    ),
    path("company/events/", events.company_events, name="company_events"),
    path("company/events/<int:pk>/", events.company_event, name="company_event"),
]
