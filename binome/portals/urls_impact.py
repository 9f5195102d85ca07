"""Pages of the impact area; every route needs a policy in binome/portals/tests/policies/impact.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
