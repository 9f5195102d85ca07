"""The coordinator's matching board.

Names are `pairing:<name>`; every route needs a policy in binome/portals/tests/test_authorization_matrix.py."""

from django.urls import URLPattern, path

from binome.portals.views import pairing

app_name = "pairing"

urlpatterns: list[URLPattern] = [
    path("staff/matching/", pairing.cohorts, name="matching"),
    path("staff/matching/cohorts/<int:pk>/", pairing.board, name="matching_board"),
    path("staff/matching/cohorts/<int:pk>/compare/", pairing.compare, name="matching_compare"),
    path("staff/matching/runs/<int:pk>/proposals/<int:proposal>/", pairing.decide, name="matching_decide"),
    path("staff/matching/runs/<int:pk>/swap/", pairing.swap, name="matching_swap"),
    path("staff/matching/runs/<int:pk>/pair/", pairing.pair, name="matching_pair"),
    path("staff/matching/runs/<int:pk>/confirm/", pairing.confirm, name="matching_confirm"),
]
