"""People: the staff list, a person's file and the mentee's file edited.

Names are `people:<name>`; every route needs a policy in binome/portals/tests/test_authorization_matrix.py."""

from django.urls import URLPattern, path

from binome.portals.views import people

app_name = "people"

urlpatterns: list[URLPattern] = [
    path("staff/people/", people.people, name="people"),
    path("staff/people/<int:pk>/", people.person, name="person"),
    path("staff/people/<int:pk>/edit/", people.person_edit, name="person_edit"),
]
