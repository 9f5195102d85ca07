from django.urls import path

from binome.portals.views import accounts as invitation_views
from binome.portals.views import home as audiences
from binome.portals.views import people as staff
from binome.portals.views.sourcing import duplicates as duplicate_views
from binome.portals.views.sourcing import enrolment as enrolment_views
from binome.portals.views.sourcing import imports as import_views
from binome.portals.views.sourcing import referrals as referral_views
from binome.portals.views.sourcing import screening as screening_views
from binome.portals.views.sourcing import training as training_views

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
    path("partner/referrals/new/", referral_views.referral_new, name="partner_referral_new"),
    path("partner/referrals/<int:pk>/", referral_views.referral_detail, name="partner_referral"),
    path("apply/", referral_views.public_apply, name="public_apply"),
    path("apply/thanks/", referral_views.public_apply_thanks, name="public_apply_thanks"),
    path("staff/screening/", screening_views.board, name="screening_board"),
    path("staff/screening/bulk/", screening_views.bulk_move, name="screening_bulk"),
    path("staff/screening/<int:pk>/", screening_views.referral, name="screening_referral"),
    path("join/<str:token>/", enrolment_views.join, name="mentor_join"),
    path("join/confirm/<str:token>/", enrolment_views.join_confirm, name="mentor_join_confirm"),
    path("invitation/<str:token>/", invitation_views.role_invitation, name="role_invitation"),
    path("join/<str:token>/occupations/", enrolment_views.join_occupations, name="mentor_join_occupations"),
    path("join/<str:token>/places/", enrolment_views.join_places, name="mentor_join_places"),
    path("invitations/new/<int:company_pk>/", enrolment_views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/", enrolment_views.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/revoke/", enrolment_views.invitation_revoke, name="invitation_revoke"),
    path("staff/training/", training_views.sessions, name="staff_training"),
    path("staff/training/<int:pk>/", training_views.session_detail, name="staff_training_session"),
    path("staff/training/<int:pk>/register/", training_views.register, name="staff_training_register"),
    path(
        "staff/training/<int:pk>/attendance/<int:attendance_pk>/",
        training_views.mark,
        name="staff_training_mark",
    ),
    path(
        "staff/training/<int:pk>/attendance/<int:attendance_pk>/remove/",
        training_views.unregister,
        name="staff_training_unregister",
    ),
    path("staff/people/<int:pk>/waive-training/", training_views.waive, name="staff_training_waive"),
    path("staff/imports/", import_views.upload, name="staff_imports"),
    path("staff/imports/template.<str:kind>", import_views.template, name="staff_import_template"),
    path("staff/imports/<str:token>/", import_views.preview, name="staff_import_preview"),
    path("staff/duplicates/", duplicate_views.duplicates, name="staff_duplicates"),
    path("staff/duplicates/<int:first>/<int:second>/", duplicate_views.merge, name="staff_merge"),
]
