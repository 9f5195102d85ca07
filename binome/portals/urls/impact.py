"""Pages of the impact area; every route needs a policy in binome/portals/tests/policies/impact.py."""

from django.urls import URLPattern, path

from binome.portals.views import impact

urlpatterns: list[URLPattern] = [
    path("staff/people/<int:pk>/outcomes/", impact.staff_outcomes, name="staff_impact_outcomes"),
    path("staff/outcomes/<int:pk>/edit/", impact.staff_outcome_edit, name="staff_impact_outcome_edit"),
    path("staff/outcomes/<int:pk>/delete/", impact.staff_outcome_delete, name="staff_impact_outcome_delete"),
    path("staff/impact/", impact.staff_dashboard, name="staff_impact"),
    path("staff/impact/people/", impact.staff_people_counted, name="staff_impact_people"),
    path("staff/impact/conflicts/", impact.staff_conflicts, name="staff_impact_conflicts"),
    path("staff/impact/conflicts/<int:pk>/", impact.staff_conflict_decide, name="staff_impact_conflict_decide"),
    path("staff/impact/<str:kind>/<int:pk>/report.<str:fmt>", impact.staff_report, name="staff_impact_report"),
    path("staff/impact/reports/", impact.staff_report_request, name="staff_impact_report_request"),
    path("staff/impact/reports/<int:pk>/", impact.staff_report_status, name="staff_impact_report_status"),
    path("staff/impact/reports/<int:pk>/download/", impact.staff_report_download, name="staff_impact_report_download"),
    path("company/impact/", impact.company_impact, name="company_impact"),
    path("company/impact/report.<str:fmt>", impact.company_report, name="company_impact_report"),
    path("funder/report.<str:fmt>", impact.funder_report, name="funder_impact_report"),
]
