"""Staff pages for mentor training: sessions, registrations, attendance (htmx, one tap per
person, with a plain-form fallback) and waivers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.people.models import MentorProfile
from binome.people.selectors import mentors_visible_to
from binome.portals.decorators import staff_only
from binome.portals.helpers import (
    acting_user,
    add_service_errors,
    fragment_or_redirect,
    is_htmx,
    service_errors_as_messages,
)
from binome.sourcing import training
from binome.sourcing.forms_enrolment import RegisterMentorsForm, TrainingSessionForm, WaiverForm
from binome.sourcing.models import TrainingAttendance
from binome.sourcing.selectors import training_sessions_visible_to
from binome.territories.selectors import territories_visible_to


@staff_only
def sessions(request: HttpRequest) -> HttpResponse:
    territories = territories_visible_to(request.user)
    form = TrainingSessionForm(request.POST or None, territories=territories)
    if request.method == "POST" and form.is_valid():
        try:
            session = training.create_session(actor=acting_user(request), **form.values())
        except ValidationError as error:
            service_errors_as_messages(request, error)
        else:
            messages.success(request, _("The training session is created: now register mentors."))
            return redirect("sourcing:training_session", pk=session.pk)
    visible = training.sessions_with_counts(training_sessions_visible_to(request.user))
    now = timezone.now()
    waiting = (
        mentors_visible_to(request.user)
        .filter(person__territory__in=territories, training_status=MentorProfile.Training.NOT_STARTED)
        .select_related("person", "company")
        .order_by("person__last_name", "person__first_name")
    )
    return render(
        request,
        "portals/sourcing/training/sessions.html",
        {
            "form": form,
            "upcoming": visible.filter(starts_at__gte=now).order_by("starts_at"),
            "past": visible.filter(starts_at__lt=now).order_by("-starts_at")[:30],
            "waiting": waiting[:200],
            "waiting_total": waiting.count(),
        },
        status=400 if form.errors else 200,
    )


@staff_only
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(training_sessions_visible_to(request.user).select_related("territory"), pk=pk)
    attendances = session.attendances.select_related("mentor__person", "mentor__company").order_by(
        "mentor__person__last_name", "mentor__person__first_name", "pk"
    )
    candidates = training.mentors_to_register(session)
    free = max(session.capacity - len(attendances), 0)
    form = RegisterMentorsForm(candidates=candidates, places=free)
    return render(
        request,
        "portals/sourcing/training/session.html",
        {
            "session": session,
            "attendances": attendances,
            "register_form": form,
            "free": free,
            "candidates": candidates.count(),
            "attendance_open": training.session_date(session) <= timezone.localdate(),
            "unmarked": sum(1 for a in attendances if a.present is None),
            "is_past": training.is_past(session),
        },
    )


@staff_only
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(training_sessions_visible_to(request.user), pk=pk)
    places = max(session.capacity - session.attendances.count(), 0)
    form = RegisterMentorsForm(request.POST, candidates=training.mentors_to_register(session), places=places)
    if form.is_valid():
        try:
            added = training.register_mentors(session, form.cleaned_data["mentors"], actor=acting_user(request))
        except ValidationError as error:
            service_errors_as_messages(request, error)
        else:
            if training.is_past(session):
                text = _("%(n)s mentor(s) registered. The session is past: nobody was emailed.")
            else:
                text = _("%(n)s mentor(s) registered; each gets an email with the session.")
            messages.success(request, text % {"n": len(added)})
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    return redirect("sourcing:training_session", pk=session.pk)


@staff_only
@require_POST
def mark(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    """One tap: `present=1` or `present=0`. htmx swaps the row; without JavaScript, back to the list."""
    session = get_object_or_404(training_sessions_visible_to(request.user), pk=pk)
    attendance = get_object_or_404(TrainingAttendance.objects.filter(session=session), pk=attendance_pk)
    value = request.POST.get("present")
    if value not in {"0", "1"}:
        messages.error(request, _("Choose present or absent."))
        return redirect("sourcing:training_session", pk=session.pk)
    try:
        attendance = training.mark_attendance(attendance, present=value == "1", actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
        return redirect("sourcing:training_session", pk=session.pk)
    if is_htmx(request):  # the row shows the mentor's name and company
        attendance = TrainingAttendance.objects.select_related("mentor__person", "mentor__company").get(
            pk=attendance.pk
        )
    return fragment_or_redirect(
        request,
        "portals/sourcing/training/_attendance_row.html",
        {"session": session, "a": attendance, "attendance_open": True},
        "sourcing:training_session",
        pk=session.pk,
    )


@staff_only
@require_POST
def mark_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone not yet marked is present; then the exceptions are marked absent, one tap each."""
    session = get_object_or_404(training_sessions_visible_to(request.user), pk=pk)
    try:
        marked = training.mark_all_present(session, actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
    else:
        messages.success(
            request,
            _("%(n)s mentor(s) marked present. Mark the ones who did not come as absent.") % {"n": marked},
        )
    return redirect("sourcing:training_session", pk=session.pk)


@staff_only
@require_POST
def unregister(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    session = get_object_or_404(training_sessions_visible_to(request.user), pk=pk)
    attendance = get_object_or_404(TrainingAttendance.objects.filter(session=session), pk=attendance_pk)
    try:
        training.unregister_mentor(attendance, actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
    else:
        messages.success(request, _("Taken off the list."))
    return redirect("sourcing:training_session", pk=session.pk)


@staff_only
def waive(request: HttpRequest, pk: int) -> HttpResponse:
    """Waive a mentor's training (pk: the mentor's person), with a written reason."""
    visible = mentors_visible_to(request.user).filter(Q(person__territory__in=territories_visible_to(request.user)))
    mentor = get_object_or_404(visible.select_related("person", "company"), person_id=pk)
    form = WaiverForm(request.POST or None, initial={"reason": mentor.training_waiver_reason})
    if request.method == "POST" and form.is_valid():
        try:
            training.waive_training(mentor, reason=form.cleaned_data["reason"], actor=acting_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Training waived: this mentor can now be matched."))
            return redirect("people:person", pk=mentor.person_id)
    return render(
        request,
        "portals/sourcing/training/waive.html",
        {"mentor": mentor, "form": form},
        status=400 if form.errors else 200,
    )
