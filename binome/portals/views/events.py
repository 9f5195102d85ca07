"""In-company events: staff pages scoped by territory (create, edit, cancel, register, attendance
in one tap with htmx and a plain-form fallback), and the company contact's view of their own events
(employees by name, mentees as counts only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.events import selectors, services
from binome.events.forms import CancelForm, EventForm, RegisterForm
from binome.events.models import EventRegistration
from binome.organisations.models import Organisation
from binome.organisations.selectors import relation_organisations_visible_to
from binome.portals.decorators import company_contacts_only, staff_only
from binome.portals.helpers import (
    acting_user,
    add_service_errors,
    fragment_or_redirect,
    is_htmx,
    service_errors_as_messages,
)


def _companies(request: HttpRequest) -> QuerySet[Organisation]:
    return (
        relation_organisations_visible_to(request.user)
        .filter(kind=Organisation.Kind.COMPANY, territory__isnull=False)
        .order_by("name")
    )


@staff_only
def events(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, companies=_companies(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event is created: now register people."))
            return redirect("events:event", pk=event.pk)
    visible = selectors.with_counts(selectors.staff_events_visible_to(request.user))
    now = timezone.now()
    return render(
        request,
        "portals/events/list.html",
        {
            "form": form,
            "upcoming": visible.filter(starts_at__gte=now).order_by("starts_at"),
            "past": visible.filter(starts_at__lt=now).order_by("-starts_at")[:50],
        },
        status=400 if form.errors else 200,
    )


@staff_only
def event(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.staff_event_for(request.user, pk)
    registrations = found.registrations.select_related("person").order_by(
        "audience", "person__last_name", "person__first_name", "pk"
    )
    employees, mentees = selectors.people_to_register(found)
    return render(
        request,
        "portals/events/event.html",
        {
            "event": found,
            "registrations": registrations,
            "free": max(found.capacity - len(registrations), 0),
            "employee_form": RegisterForm(people=employees),
            "mentee_form": RegisterForm(people=mentees),
            "attendance_open": not found.is_cancelled and found.day <= timezone.localdate(),
        },
    )


@staff_only
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an event's details (GET: the form; POST: save, or re-render with errors and the
    input kept)."""
    found = selectors.staff_event_for(request.user, pk)
    if found.is_cancelled:
        messages.error(request, _("This event is cancelled."))
        return redirect("events:event", pk=found.pk)
    # The form works on its own copy: a refused save must not change the event shown around it.
    initial = {name: getattr(found, name) for name in EventForm.Meta.fields}
    form = EventForm(request.POST or None, companies=_companies(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(found, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:event", pk=found.pk)
    return render(
        request,
        "portals/events/edit.html",
        {"event": found, "form": form, "registered": found.registrations.count()},
        status=400 if form.errors else 200,
    )


@staff_only
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel with a reason (GET: the form; POST: cancel, or re-render with errors)."""
    found = selectors.staff_event_for(request.user, pk)
    if found.is_cancelled:
        messages.error(request, _("This event is already cancelled."))
        return redirect("events:event", pk=found.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_event(found, reason=form.cleaned_data["reason"], actor=acting_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if found.registrations.exists():
                messages.success(request, _("The event is cancelled. Tell the people who were registered."))
            else:
                messages.success(request, _("The event is cancelled."))
            return redirect("events:event", pk=found.pk)
    registrations = found.registrations.select_related("person").order_by(
        "audience", "person__last_name", "person__first_name", "pk"
    )
    return render(
        request,
        "portals/events/cancel.html",
        {"event": found, "form": form, "registrations": registrations},
        status=400 if form.errors else 200,
    )


@staff_only
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.staff_event_for(request.user, pk)
    employees, mentees = selectors.people_to_register(found)
    form = RegisterForm(request.POST, people=employees | mentees)
    if not form.is_valid():
        messages.error(request, _("Choose someone to register."))
    else:
        try:
            registration = services.register(found, form.cleaned_data["person"], actor=acting_user(request))
        except ValidationError as error:
            service_errors_as_messages(request, error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": registration.person.full_name})
    return redirect("events:event", pk=found.pk)


@staff_only
@require_POST
def mark(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """One tap: `present=1` or `present=0`. htmx swaps the row; without JavaScript, back to the list."""
    found = selectors.staff_event_for(request.user, pk)
    registration = get_object_or_404(EventRegistration.objects.filter(event=found), pk=registration_pk)
    value = request.POST.get("present")
    if value not in {"0", "1"}:
        messages.error(request, _("Choose present or absent."))
        return redirect("events:event", pk=found.pk)
    try:
        registration = services.mark_attendance(registration, present=value == "1", actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
        return redirect("events:event", pk=found.pk)
    if is_htmx(request):  # the row shows the person's name
        registration = EventRegistration.objects.select_related("person").get(pk=registration.pk)
    return fragment_or_redirect(
        request,
        "portals/events/_registration_row.html",
        {"event": found, "r": registration, "attendance_open": True},
        "events:event",
        pk=found.pk,
    )


@staff_only
@require_POST
def unregister(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    found = selectors.staff_event_for(request.user, pk)
    registration = get_object_or_404(EventRegistration.objects.filter(event=found), pk=registration_pk)
    try:
        services.unregister(registration, actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
    else:
        messages.success(request, _("Taken off the list."))
    return redirect("events:event", pk=found.pk)


@company_contacts_only
def company_events(request: HttpRequest) -> HttpResponse:
    visible = selectors.with_counts(selectors.company_events_visible_to(request.user))
    now = timezone.now()
    return render(
        request,
        "portals/events/company_list.html",
        {
            "upcoming": visible.filter(starts_at__gte=now).order_by("starts_at"),
            "past": visible.filter(starts_at__lt=now).order_by("-starts_at")[:50],
        },
    )


@company_contacts_only
def company_event(request: HttpRequest, pk: int) -> HttpResponse:
    """The company's own event: its employees by name with attendance; mentees as counts only."""
    found = get_object_or_404(selectors.with_counts(selectors.company_events_visible_to(request.user)), pk=pk)
    employees = (
        found.registrations.filter(audience=EventRegistration.Audience.EMPLOYEE)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
    return render(request, "portals/events/company_event.html", {"event": found, "employees": employees})
