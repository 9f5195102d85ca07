"""The matching board's URLs (kept apart from urls.py so each section can grow on its own)."""

from django.urls import path

from binome.portals.views import pairing as matching

urlpatterns = [
    path("staff/matching/", matching.cohorts, name="staff_matching"),
    path("staff/matching/cohorts/<int:pk>/", matching.board, name="staff_matching_board"),
    path("staff/matching/cohorts/<int:pk>/compare/", matching.compare, name="staff_matching_compare"),
    path("staff/matching/runs/<int:pk>/proposals/<int:proposal>/", matching.decide, name="staff_matching_decide"),
    path("staff/matching/runs/<int:pk>/swap/", matching.swap, name="staff_matching_swap"),
    path("staff/matching/runs/<int:pk>/pair/", matching.pair, name="staff_matching_pair"),
    path("staff/matching/runs/<int:pk>/confirm/", matching.confirm, name="staff_matching_confirm"),
]
