"""Sourcing: referrals and the public application, screening, mentor enrolment links, mentor
training, spreadsheet imports and duplicates.

Names are `sourcing:<name>`; every route needs a policy in binome/portals/tests/test_authorization_matrix.py."""

from django.urls import URLPattern, path

from binome.portals.views.sourcing import duplicates, enrolment, imports, referrals, screening, training

app_name = "sourcing"

urlpatterns: list[URLPattern] = [
    path("partner/referrals/new/", referrals.referral_new, name="referral_new"),
    path("partner/referrals/<int:pk>/", referrals.referral_detail, name="referral"),
    path("apply/", referrals.public_apply, name="apply"),
    path("apply/thanks/", referrals.public_apply_thanks, name="apply_thanks"),
    path("staff/screening/", screening.board, name="screening_board"),
    path("staff/screening/bulk/", screening.bulk_move, name="screening_bulk"),
    path("staff/screening/<int:pk>/", screening.referral, name="screening_referral"),
    path("join/<str:token>/", enrolment.join, name="join"),
    path("join/confirm/<str:token>/", enrolment.join_confirm, name="join_confirm"),
    path("join/<str:token>/occupations/", enrolment.join_occupations, name="join_occupations"),
    path("join/<str:token>/places/", enrolment.join_places, name="join_places"),
    path("invitations/new/<int:company_pk>/", enrolment.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/", enrolment.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/revoke/", enrolment.invitation_revoke, name="invitation_revoke"),
    path("staff/invitations/<int:pk>/send-to-hr/", enrolment.invitation_send_to_hr, name="invitation_send_to_hr"),
    path("staff/training/", training.sessions, name="training"),
    path("staff/training/<int:pk>/", training.session_detail, name="training_session"),
    path("staff/training/<int:pk>/register/", training.register, name="training_register"),
    path("staff/training/<int:pk>/attendance/all-present/", training.mark_all, name="training_mark_all"),
    path("staff/training/<int:pk>/attendance/<int:attendance_pk>/", training.mark, name="training_mark"),
    path(
        "staff/training/<int:pk>/attendance/<int:attendance_pk>/remove/",
        training.unregister,
        name="training_unregister",
    ),
    path("staff/people/<int:pk>/waive-training/", training.waive, name="training_waive"),
    path("staff/imports/", imports.upload, name="imports"),
    path("staff/imports/template.<str:kind>", imports.template, name="import_template"),
    path("staff/imports/done/", imports.done, name="import_done"),
    path("staff/imports/<str:token>/", imports.preview, name="import_preview"),
    path("staff/duplicates/", duplicates.duplicates, name="duplicates"),
    path("staff/duplicates/<int:first>/<int:second>/", duplicates.merge, name="merge"),
]
