from django.urls import path

from binome.portals.views import audiences, staff

urlpatterns = [
    path("", audiences.home, name="home"),
    path("staff/", staff.dashboard, name="staff_dashboard"),
    path("staff/territories/<slug:slug>/", staff.territory, name="staff_territory"),
    path("staff/people/", staff.people, name="staff_people"),
    path("staff/people/<int:pk>/", staff.person, name="staff_person"),
    path("staff/people/<int:pk>/edit/", staff.person_edit, name="staff_person_edit"),
    path("staff/organisations/", staff.organisations, name="staff_organisations"),
    path("staff/organisations/<int:pk>/", staff.organisation, name="staff_organisation"),
    path("company/", audiences.company, name="company_portal"),
    path("mentor/", audiences.mentor, name="mentor_portal"),
    path("mentee/", audiences.mentee, name="mentee_portal"),
    path("partner/", audiences.partner, name="partner_portal"),
    path("funder/", audiences.funder, name="funder_portal"),
]
