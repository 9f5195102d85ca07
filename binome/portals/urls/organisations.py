"""Organisations: the staff list and file of each organisation, and company and partner relations.

Names are `organisations:<name>`; every route needs a policy in binome/portals/tests/policies/events.py."""

from django.urls import URLPattern, path

from binome.portals.views import organisations

app_name = "organisations"

urlpatterns: list[URLPattern] = [
    path("staff/organisations/", organisations.organisations, name="organisations"),
    path("staff/organisations/<int:pk>/", organisations.organisation_file, name="organisation"),
    path("staff/relations/", organisations.board, name="relations"),
    path("staff/relations/<int:pk>/", organisations.organisation, name="relation"),
    path("staff/relations/<int:pk>/move/", organisations.move, name="relation_move"),
    path("staff/relations/<int:pk>/contacts/", organisations.add_contact, name="relation_contact"),
    path(
        "staff/relations/<int:pk>/contacts/<int:contact_pk>/",
        organisations.edit_contact,
        name="relation_contact_edit",
    ),
    path(
        "staff/relations/<int:pk>/contacts/<int:contact_pk>/remove/",
        organisations.remove_contact,
        name="relation_contact_remove",
    ),
    path("staff/relations/<int:pk>/exchanges/", organisations.add_exchange, name="relation_exchange"),
    path("staff/relations/<int:pk>/agreements/", organisations.add_agreement, name="relation_agreement"),
    path("staff/partners/", organisations.partners, name="partners"),
]
