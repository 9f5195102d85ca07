"""Pages of the privacy area; every route needs a policy in binome/portals/tests/policies/privacy.py."""

from django.urls import path

from binome.portals.views import privacy

urlpatterns = [
    path("staff/people/<int:pk>/access/", privacy.person_access, name="staff_person_access"),
]
