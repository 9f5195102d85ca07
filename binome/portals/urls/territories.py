"""Territories: the staff dashboard, the national comparison and opening a territory.

Names are `territories:<name>`; every route needs a policy in binome/portals/tests/test_authorization_matrix.py."""

from django.urls import URLPattern, path

from binome.portals.views import outbox, territories

app_name = "territories"

urlpatterns: list[URLPattern] = [
    path("staff/", territories.dashboard, name="dashboard"),
    path("staff/territories/<slug:slug>/", territories.territory, name="territory"),
    path("staff/national/", territories.national, name="national"),
    path("staff/open-territory/", territories.open_territory, name="open_territory"),
    path("staff/territories/<slug:slug>/checklist/", territories.territory_checklist, name="checklist"),
    path("staff/territories/<slug:slug>/contact/", territories.territory_contact, name="contact"),
    path("staff/outgoing/", outbox.outgoing, name="outgoing"),
    path("staff/outgoing/<int:pk>/resend/", outbox.resend, name="outgoing_resend"),
]
