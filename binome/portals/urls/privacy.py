"""Privacy: a person's access history, export and erasure; the processing and breach registers.

Names are `privacy:<name>`; every route needs a policy in binome/portals/tests/policies/privacy.py."""

from django.urls import URLPattern, path

from binome.portals.views import privacy

app_name = "privacy"

urlpatterns: list[URLPattern] = [
    path("staff/people/<int:pk>/access/", privacy.person_access, name="person_access"),
    path("staff/people/<int:pk>/export/", privacy.person_export, name="person_export"),
    path("staff/people/<int:pk>/erase/", privacy.person_erase, name="person_erase"),
    path("staff/privacy/register/", privacy.processing_register, name="register"),
    path("staff/privacy/breaches/", privacy.breaches, name="breaches"),
]
