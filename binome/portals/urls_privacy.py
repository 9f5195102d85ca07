"""Pages of the privacy area; every route needs a policy in binome/portals/tests/policies/privacy.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
