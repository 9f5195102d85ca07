"""Pages of the surveys area; every route needs a policy in binome/portals/tests/policies/surveys.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
