"""Accounts: the pages a role invitation's link and a handed-over connection link open, and the
staff pages that create accounts (partners and referrers, company contacts, coordinators).

Names are `accounts:<name>`; every route needs a policy in binome/portals/tests/policies/accounts.py."""

from django.urls import URLPattern, path

from binome.portals.views import accounts

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("invitation/<str:token>/", accounts.role_invitation, name="role_invitation"),
    path("connect/<str:token>/", accounts.connect, name="connect"),
    path("staff/accounts/", accounts.accounts, name="accounts"),
    path("staff/accounts/partners/new/", accounts.partner_new, name="partner_new"),
    path("staff/accounts/roles/<int:pk>/resend/", accounts.resend, name="resend_invitation"),
    path("staff/people/<int:pk>/account/", accounts.person_account, name="person_account"),
    path("staff/organisations/<int:pk>/accounts/", accounts.organisation_accounts, name="organisation_accounts"),
    path("staff/territories/<slug:slug>/coordinators/", accounts.territory_coordinators, name="territory_coordinators"),
]
