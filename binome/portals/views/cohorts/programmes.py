"""Staff pages for programme delivery: cohorts and their calendars, workshops (edit, invite,
cancel, attendance on a phone) and programme templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from binome.cohorts import selectors, services
from binome.cohorts.forms import CohortForm, CurriculumItemForm, WorkshopForm
from binome.cohorts.models import Audience, WorkshopInvitation
from binome.cohorts.selectors import cohorts_visible_to
from binome.operations.outbox import queued_count
from binome.pairing.workshops import cohort_members
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user, add_service_errors, fragment_or_redirect, service_errors_as_messages
from binome.surveys.models import Instrument
from binome.territories.selectors import territories_visible_to


@staff_only
def cohorts(request: HttpRequest) -> HttpResponse:
    territories = territories_visible_to(request.user)
    form = CohortForm(request.POST or None, territories=territories)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.create_cohort(actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cohort is created with its calendar: check the dates and places."))
            return redirect("cohorts:cohort_calendar", pk=cohort.pk)
    return render(
        request,
        "portals/cohorts/cohorts.html",
        {"form": form, "cohorts": selectors.cohorts_with_counts(cohorts_visible_to(request.user))},
        status=400 if form.errors else 200,
    )


@staff_only
def cohort_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohorts_visible_to(request.user).select_related("territory", "template"), pk=pk)
    return render(
        request,
        "portals/cohorts/calendar.html",
        {
            "cohort": cohort,
            "workshops": selectors.cohort_calendar(cohort),
            "upcoming": len(services.upcoming_workshops(cohort)),
            "queued": queued_count(request.user),
        },
    )


def _queued_note(request: HttpRequest) -> None:
    """What the worker still has to send, after a page sent emails (the outgoing messages page lists them)."""
    queued = queued_count(request.user)
    if queued:
        messages.info(
            request,
            ngettext(
                "%(n)s message is waiting in the queue (see Outgoing messages).",
                "%(n)s messages are waiting in the queue (see Outgoing messages).",
                queued,
            )
            % {"n": queued},
        )


@staff_only
@require_POST
def calendar_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the calendar: one email per person with all their upcoming dates, one .ics each."""
    cohort = get_object_or_404(cohorts_visible_to(request.user), pk=pk)
    members = {audience: cohort_members(cohort, audience) for audience in Audience.values}
    try:
        published = services.publish_calendar(cohort, members=members, actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
        return redirect("cohorts:cohort_calendar", pk=cohort.pk)
    if published.invitations:
        messages.success(
            request,
            _(
                "Calendar published: %(invitations)s invitation(s) to %(people)s person(s), in %(emails)s email(s)"
                " (one per person, with a calendar file per workshop)."
            )
            % {"invitations": published.invitations, "people": published.people, "emails": published.emails},
        )
    else:
        messages.info(request, _("Everyone is already invited to every upcoming workshop."))
    if published.left_out:
        messages.warning(
            request,
            _("%(n)s invitation(s) did not fit a full workshop: raise its capacity or plan another session.")
            % {"n": published.left_out},
        )
    _queued_note(request)
    return redirect("cohorts:cohort_calendar", pk=cohort.pk)


def _workshop_for(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_object_or_404(selectors.workshops_visible_to(request.user).select_related("cohort__territory"), pk=pk)


@staff_only
def workshop(request: HttpRequest, pk: int) -> HttpResponse:
    found = _workshop_for(request, pk)
    form = WorkshopForm.for_workshop(found, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_workshop(found, actor=acting_user(request), **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Workshop saved."))
            return redirect("cohorts:cohort_calendar", pk=found.cohort_id)
    invitations = found.invitations.select_related("person").order_by("person__last_name", "person__first_name")
    return render(
        request,
        "portals/cohorts/workshop.html",
        {
            "workshop": found,
            "form": form,
            "invitations": invitations,
            "attendance_open": services.attendance_open(found),
            "queued": queued_count(request.user),
        },
        status=400 if form.errors else 200,
    )


@staff_only
@require_POST
def workshop_invite(request: HttpRequest, pk: int) -> HttpResponse:
    found = _workshop_for(request, pk)
    try:
        invited = services.invite_to_workshop(
            found, members=cohort_members(found.cohort, found.audience), actor=acting_user(request)
        )
    except ValidationError as error:
        service_errors_as_messages(request, error)
    else:
        if invited.sent:
            messages.success(request, _("%(n)s invitation(s) sent, each with a calendar file.") % {"n": invited.sent})
            _queued_note(request)
        elif not invited.left_out:
            messages.info(request, _("Everyone this workshop is for is already invited."))
        if invited.left_out:
            messages.warning(
                request,
                _(
                    "The workshop is full: %(n)s person(s) it is for could not be invited."
                    " Raise its capacity or plan another session."
                )
                % {"n": invited.left_out},
            )
    return redirect("cohorts:workshop", pk=found.pk)


@staff_only
@require_POST
def workshop_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = _workshop_for(request, pk)
    try:
        n = services.cancel_workshop(found, actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
    else:
        messages.success(request, _("Workshop cancelled; %(n)s invited person(s) are told by email.") % {"n": n})
        _queued_note(request)
    return redirect("cohorts:workshop", pk=found.pk)


@staff_only
def workshop_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    found = _workshop_for(request, pk)
    invitations = found.invitations.select_related("person").order_by("person__last_name", "person__first_name", "pk")
    counts = invitations.aggregate(
        n_present=Count("pk", filter=Q(present=True)), n_absent=Count("pk", filter=Q(present=False))
    )
    return render(
        request,
        "portals/cohorts/attendance.html",
        {
            "workshop": found,
            "invitations": invitations,
            "counts": counts,
            "attendance_open": services.attendance_open(found),
        },
    )


@staff_only
@require_POST
def workshop_mark(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """One tap: `present=1` or `present=0`. htmx swaps the row; without JavaScript, back to the list."""
    found = _workshop_for(request, pk)
    invitation = get_object_or_404(
        WorkshopInvitation.objects.filter(workshop=found).select_related("person"), pk=invitation_pk
    )
    value = request.POST.get("present")
    if value not in {"0", "1"}:
        messages.error(request, _("Choose present or absent."))
        return redirect("cohorts:workshop_attendance", pk=found.pk)
    invitation.workshop = found
    try:
        services.mark_workshop_attendance(invitation, present=value == "1", actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
        return redirect("cohorts:workshop_attendance", pk=found.pk)
    return fragment_or_redirect(
        request,
        "portals/cohorts/_attendance_row.html",
        {"workshop": found, "i": invitation, "attendance_open": True},
        "cohorts:workshop_attendance",
        pk=found.pk,
    )


# --- programme templates -----------------------------------------------------------


@staff_only
def templates(request: HttpRequest) -> HttpResponse:
    found = selectors.templates_visible_to(request.user).annotate(
        n_items=Count("items", distinct=True), n_cohorts=Count("cohorts", distinct=True)
    )
    return render(request, "portals/cohorts/templates.html", {"templates": found})


ITEM_FIELDS = ["kind", "title", "offset_days", "start_time", "duration_minutes", "audience"]


@staff_only
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The curriculum of a template, its teaching material, and (when the viewer may adapt it)
    a form per event and one to add an event. Plain POSTs: works without JavaScript."""
    template = get_object_or_404(selectors.templates_visible_to(request.user), pk=pk)
    editable = selectors.template_editable_by(template, request.user)
    items = list(template.items.annotate(n_resources=Count("resources")).order_by("offset_days", "pk"))
    new_form = CurriculumItemForm(prefix="new", initial={"start_time": "18:30", "duration_minutes": 120})
    bound_item: int | None = None
    bound_form: CurriculumItemForm | None = None
    instruments = list(Instrument.objects.order_by("audience", "code"))
    plan = set(template.survey_plan) or {i.code for i in instruments}
    if request.method == "POST":
        if not editable:
            raise Http404
        if request.POST.get("action") == "survey_plan":
            known = {i.code for i in instruments}
            chosen = [code for code in request.POST.getlist("instruments") if code in known]
            if not chosen:
                messages.error(request, _("Choose at least one questionnaire."))
                return redirect("cohorts:template", pk=template.pk)
            services.set_survey_plan(template, actor=acting_user(request), codes=chosen)
            messages.success(request, _("Survey plan saved: cohorts follow it for the waves not opened yet."))
            return redirect("cohorts:template", pk=template.pk)
        item_pk = request.POST.get("item")
        item = get_object_or_404(template.items, pk=item_pk) if item_pk else None
        if request.POST.get("action") == "remove" and item is not None:
            services.remove_curriculum_item(item, actor=acting_user(request))
            messages.success(request, _("The event is removed from the template."))
            return redirect("cohorts:template", pk=template.pk)
        form = CurriculumItemForm(request.POST, prefix=f"item-{item.pk}" if item else "new")
        if form.is_valid():
            try:
                services.save_curriculum_item(template, actor=acting_user(request), item=item, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Saved. Cohorts created from now on use it; existing calendars are unchanged.")
                )
                return redirect("cohorts:template", pk=template.pk)
        if item is None:
            new_form = form
        else:
            bound_item, bound_form = item.pk, form
    rows = [
        (
            item,
            bound_form
            if item.pk == bound_item
            else CurriculumItemForm(
                prefix=f"item-{item.pk}", initial={name: getattr(item, name) for name in ITEM_FIELDS}
            ),
        )
        for item in items
    ]
    failed = new_form.is_bound or bound_form is not None
    return render(
        request,
        "portals/cohorts/template.html",
        {
            "template": template,
            "rows": rows,
            "new_form": new_form,
            "editable": editable,
            "survey_plan": [(i, i.code in plan) for i in instruments],
        },
        status=400 if failed else 200,
    )
