"""A duo's pages (for its mentor, its mentee, phone-first in fr/en/ar, and staff) and the
coordinator's "needs attention" list.

Names are `meetings:<name>`; every route needs a policy in binome/portals/tests/test_authorization_matrix.py."""

from django.urls import URLPattern, path

from binome.portals.views.meetings import attention, duos

app_name = "meetings"

urlpatterns: list[URLPattern] = [
    path("mentor/duos/<int:pk>/", duos.mentor_duo, name="mentor_duo"),
    path("mentor/duos/<int:pk>/meetings/", duos.mentor_log_meeting, name="mentor_log_meeting"),
    path(
        "mentor/duos/<int:pk>/meetings/<int:meeting>/confirm/",
        duos.mentor_confirm_meeting,
        name="mentor_confirm_meeting",
    ),
    path("mentor/duos/<int:pk>/introductions/", duos.mentor_introduction, name="mentor_introduction"),
    path("mentor/duos/<int:pk>/sharing/", duos.mentor_sharing, name="mentor_sharing"),
    path("mentee/duos/<int:pk>/", duos.mentee_duo, name="mentee_duo"),
    path("mentee/duos/<int:pk>/meetings/", duos.mentee_log_meeting, name="mentee_log_meeting"),
    path(
        "mentee/duos/<int:pk>/meetings/<int:meeting>/confirm/",
        duos.mentee_confirm_meeting,
        name="mentee_confirm_meeting",
    ),
    path("mentee/duos/<int:pk>/sharing/", duos.mentee_sharing, name="mentee_sharing"),
    path("staff/duos/<int:pk>/", duos.staff_duo, name="staff_duo"),
    path("staff/duos/<int:pk>/meetings/", duos.staff_log_meeting, name="staff_log_meeting"),
    path(
        "staff/duos/<int:pk>/meetings/<int:meeting>/phone-confirmation/",
        duos.staff_phone_confirmation,
        name="staff_phone_confirmation",
    ),
    path("staff/duos/<int:pk>/status/", duos.staff_duo_status, name="staff_duo_status"),
    path("staff/attention/", attention.attention, name="attention"),
    path("staff/attention/<int:pk>/", attention.alert_action, name="alert_action"),
]
