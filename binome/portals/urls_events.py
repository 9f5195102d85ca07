"""Pages of the events area; every route needs a policy in binome/portals/tests/policies/events.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
