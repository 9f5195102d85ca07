"""Pages of the privacy area; every route needs a policy in binome/portals/tests/policies/privacy.py."""

from django.urls import path

from binome.portals.views import privacy

urlpatterns = [
    path("staff/people/<int:pk>/access/", privacy.person_access, name="staff_person_access"),
    path("staff/people/<int:pk>/export/", privacy.person_export, name="staff_person_export"),
    path("staff/people/<int:pk>/erase/", privacy.person_erase, name="staff_person_erase"),
    path("staff/privacy/register/", privacy.processing_register, name="privacy_register"),
    path("staff/privacy/breaches/", privacy.breaches, name="privacy_breaches"),
]
