"""A duo's own page, for each of its members and for staff: meetings, introductions, hours, life.

One page shape, three audiences. The member pages show the other member's first name, job
or professional goal, and only the contact details that member chose to share.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.accounts.access import scope_of
from binome.audit import audit
from binome.cohorts.selectors import cohorts_visible_to
from binome.meetings import selectors as meeting_selectors
from binome.meetings import services as meeting_services
from binome.meetings.forms import (
    DuoStatusForm,
    IntroductionForm,
    MeetingForm,
    PhoneConfirmationForm,
    SharingForm,
    period_from,
)
from binome.meetings.hours import Period
from binome.meetings.models import Meeting
from binome.pairing import duo_life
from binome.pairing.models import Duo
from binome.pairing.selectors import duos_visible_to
from binome.portals.decorators import mentees_only, mentors_only, staff_only
from binome.portals.helpers import acting_user, add_service_errors

ROLES = ("mentor", "mentee", "staff")
PAGE = {"mentor": "meetings:mentor_duo", "mentee": "meetings:mentee_duo", "staff": "meetings:staff_duo"}
TEMPLATE = {
    "mentor": "portals/meetings/duos/member_duo.html",
    "mentee": "portals/meetings/duos/mentee_duo.html",
    "staff": "portals/meetings/duos/staff_duo.html",
}


def _duos(request: HttpRequest, role: str) -> QuerySet[Duo]:
    """The duos this user may open in this role: their own as a member, their territories' as staff."""
    scope = scope_of(request.user)
    visible = duos_visible_to(request.user)
    if role == "mentor":
        visible = visible.filter(mentor__person_id__in=scope.mentor_person_ids)
    elif role == "mentee":
        visible = visible.filter(mentee__person_id__in=scope.mentee_person_ids)
    else:
        visible = visible.filter(cohort__in=cohorts_visible_to(request.user))
    return visible.select_related(
        "cohort", "mentor__person", "mentor__company", "mentor__occupation", "mentee__person"
    ).prefetch_related("mentee__target_occupations")


def _duo(request: HttpRequest, role: str, pk: int) -> Duo:
    return get_object_or_404(_duos(request, role), pk=pk)


def _page(request: HttpRequest, role: str, duo: Duo, status: int = 200, **forms: Any) -> HttpResponse:
    meetings = list(duo.meetings.select_related("recorded_by", "confirmed_by").order_by("-held_on", "-pk"))
    period, period_form = period_from(request.GET, Period(*meeting_selectors.period_of(duo.cohort)))
    side = role if role in {"mentor", "mentee"} else None
    # What a member is asked to confirm stays in view above the mentee's (folded) history.
    live = duo.status == Duo.Status.ACTIVE
    to_confirm = [m for m in meetings if live and side and not m.is_confirmed and m.recorded_as != side]
    asked = {m.pk for m in to_confirm}
    context = {
        "duo": duo,
        "role": role,
        "meetings": meetings,
        "to_confirm": to_confirm,
        "confirmed": sum(1 for m in meetings if m.is_confirmed),
        # The mentee's phone shows the last few; older ones are folded under them.
        "history": [m for m in meetings if m.pk not in asked],
        "introductions": duo.introductions.select_related("sector").all(),
        # Hours from the ledger, over one period the page names: the mentor's (every duo, training,
        # workshops) and, inside them, this duo's meetings.
        "hours": meeting_selectors.mentor_hours(duo.mentor, start=period.start, end=period.end)
        if role != "mentee"
        else None,
        "duo_hours": meeting_selectors.duo_hours(duo, start=period.start, end=period.end) if role != "mentee" else None,
        "period": period,
        "period_form": period_form,
        "meeting_form": forms.get("meeting_form") or MeetingForm(duo=duo),
        "introduction_form": forms.get("introduction_form") or IntroductionForm(),
        "sharing_form": SharingForm(
            initial={
                "email": getattr(duo, f"{side}_shares_email", False),
                "phone": getattr(duo, f"{side}_shares_phone", False),
            }
        )
        if side
        else None,
        "status_form": forms.get("status_form") or DuoStatusForm(),
        "log_url": f"meetings:{role}_log_meeting",
        "confirm_url": f"meetings:{role}_confirm_meeting" if role != "staff" else None,
        "allowed_statuses": [(s.value, s.label) for s in Duo.Status if s in duo_life.ALLOWED[duo.status]],
    }
    return render(request, TEMPLATE[role], context, status=status)


def _view(role: str) -> Any:
    guard = {"mentor": mentors_only, "mentee": mentees_only, "staff": staff_only}[role]

    @guard
    def page(request: HttpRequest, pk: int) -> HttpResponse:
        duo = _duo(request, role, pk)
        audit.viewed(request, duo, what=f"duo ({role})")
        return _page(request, role, duo)

    @guard
    @require_POST
    def log_meeting(request: HttpRequest, pk: int) -> HttpResponse:
        duo = _duo(request, role, pk)
        form = MeetingForm(request.POST, duo=duo)
        if form.is_valid():
            try:
                meeting_services.record_meeting(duo, actor=acting_user(request), author=role, **form.meeting_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if role == "staff":
                    messages.success(request, _("Meeting recorded."))
                else:
                    messages.success(request, _("Meeting recorded. Your duo partner will be asked to confirm it."))
                # To the page's message, not back to the form the post came from (#log-meeting).
                return redirect(reverse(PAGE[role], kwargs={"pk": duo.pk}) + "#main")
        return _page(request, role, duo, status=422, meeting_form=form)

    @guard
    @require_POST
    def confirm(request: HttpRequest, pk: int, meeting: int) -> HttpResponse:
        duo = _duo(request, role, pk)
        found = get_object_or_404(Meeting, pk=meeting, duo=duo)
        try:
            meeting_services.confirm_meeting(found, actor=acting_user(request), as_role=role)
            messages.success(request, _("Meeting confirmed. Thank you."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(PAGE[role], pk=duo.pk)

    return page, log_meeting, confirm


mentor_duo, mentor_log_meeting, mentor_confirm_meeting = _view("mentor")
mentee_duo, mentee_log_meeting, mentee_confirm_meeting = _view("mentee")
# Staff get no confirm route: they record a member's phone confirmation (staff_phone_confirmation).
staff_duo, staff_log_meeting, _staff_confirm_not_routed = _view("staff")


def _phone_choices(meeting: Meeting) -> list[tuple[str, str]]:
    duo = meeting.duo
    names = {"mentor": duo.mentor.person.full_name, "mentee": duo.mentee.person.full_name}
    labels = {"mentor": _("%(name)s (mentor)"), "mentee": _("%(name)s (mentee)")}
    return [(side, labels[side] % {"name": names[side]}) for side in meeting_services.phone_confirmers(meeting)]


@staff_only
def staff_phone_confirmation(request: HttpRequest, pk: int, meeting: int) -> HttpResponse:
    """A coordinator records that a member confirmed a meeting on the phone (404 outside their
    territories, or for a meeting already confirmed)."""
    duo = _duo(request, "staff", pk)
    found = get_object_or_404(Meeting, pk=meeting, duo=duo, confirmed_at__isnull=True)
    form = PhoneConfirmationForm(request.POST or None, choices=_phone_choices(found))
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            meeting_services.record_phone_confirmation(
                found, actor=acting_user(request), member=data["member"], reason=data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Phone confirmation recorded: the meeting counts."))
            return redirect("meetings:staff_duo", pk=duo.pk)
    return render(
        request,
        "portals/meetings/duos/phone_confirmation.html",
        {"duo": duo, "meeting": found, "form": form},
        status=422 if form.errors else 200,
    )


@mentors_only
@require_POST
def mentor_introduction(request: HttpRequest, pk: int) -> HttpResponse:
    duo = _duo(request, "mentor", pk)
    form = IntroductionForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.record_introduction(duo, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Introduction recorded."))
            return redirect("meetings:mentor_duo", pk=duo.pk)
    return _page(request, "mentor", duo, status=422, introduction_form=form)


def _sharing(role: str) -> Any:
    guard = mentors_only if role == "mentor" else mentees_only

    @guard
    @require_POST
    def sharing(request: HttpRequest, pk: int) -> HttpResponse:
        duo = _duo(request, role, pk)
        form = SharingForm(request.POST)
        form.is_valid()  # two optional booleans: always valid
        duo_life.set_contact_sharing(
            duo,
            side=role,
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            actor=acting_user(request),
        )
        messages.success(request, _("Your choice is saved."))
        return redirect(PAGE[role], pk=duo.pk)

    return sharing


mentor_sharing = _sharing("mentor")
mentee_sharing = _sharing("mentee")


@staff_only
@require_POST
def staff_duo_status(request: HttpRequest, pk: int) -> HttpResponse:
    duo = _duo(request, "staff", pk)
    form = DuoStatusForm(request.POST)
    if form.is_valid():
        try:
            duo_life.change_duo_status(
                duo,
                form.cleaned_data["status"],
                actor=acting_user(request),
                reason=form.cleaned_data["reason"],
                mentee_stays=form.cleaned_data["mentee_stays"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Duo updated."))
            return redirect("meetings:staff_duo", pk=duo.pk)
    return _page(request, "staff", duo, status=422, status_form=form)
