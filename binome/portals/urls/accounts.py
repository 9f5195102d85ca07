"""Accounts: the page a role invitation's link opens.

Names are `accounts:<name>`; every route needs a policy in binome/portals/tests/test_authorization_matrix.py."""

from django.urls import URLPattern, path

from binome.portals.views import accounts

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("invitation/<str:token>/", accounts.role_invitation, name="role_invitation"),
]
