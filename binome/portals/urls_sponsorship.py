"""Pages of the sponsorship area; every route needs a policy in binome/portals/tests/policies/sponsorship.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
