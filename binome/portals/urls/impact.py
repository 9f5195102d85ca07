"""Impact: outcomes, conflicts, the KPI dashboard and the reports.

Names are `impact:<name>`; every route needs a policy in binome/portals/tests/policies/impact.py."""

from django.urls import URLPattern, path

from binome.portals.views import impact

app_name = "impact"

urlpatterns: list[URLPattern] = [
    path("staff/people/<int:pk>/outcomes/", impact.staff_outcomes, name="outcomes"),
    path("staff/outcomes/<int:pk>/edit/", impact.staff_outcome_edit, name="outcome_edit"),
    path("staff/outcomes/<int:pk>/delete/", impact.staff_outcome_delete, name="outcome_delete"),
    path("staff/impact/", impact.staff_dashboard, name="dashboard"),
    path("staff/impact/people/", impact.staff_people_counted, name="people"),
    path("staff/impact/conflicts/", impact.staff_conflicts, name="conflicts"),
    path("staff/impact/conflicts/<int:pk>/", impact.staff_conflict_decide, name="conflict_decide"),
    path("staff/impact/<str:kind>/<int:pk>/report.<str:fmt>", impact.staff_report, name="report"),
    path("staff/impact/reports/", impact.staff_report_request, name="report_request"),
    path("staff/impact/reports/<int:pk>/", impact.staff_report_status, name="report_status"),
    path("staff/impact/reports/<int:pk>/download/", impact.staff_report_download, name="report_download"),
    path("company/impact/", impact.company_impact, name="company"),
    path("company/impact/reports/<int:pk>/", impact.company_snapshot, name="company_snapshot"),
    path("company/impact/reports/<int:pk>/file.<str:fmt>", impact.company_snapshot_file, name="company_snapshot_file"),
    path("funder/reports/<int:pk>/", impact.funder_snapshot, name="funder_snapshot"),
    path("funder/reports/<int:pk>/file.<str:fmt>", impact.funder_snapshot_file, name="funder_snapshot_file"),
    path("staff/impact/published/", impact.staff_published, name="published"),
    path("staff/impact/published/issue/", impact.staff_publish, name="publish"),
    path("staff/impact/published/<int:pk>/file.<str:fmt>", impact.staff_published_file, name="published_file"),
]
