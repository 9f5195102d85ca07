"""The staff page of outgoing messages: queued, sent, failed (send again), scoped to the viewer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binome.operations import outbox
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user, service_errors_as_messages

SHOWN = 200


@staff_only
def outgoing(request: HttpRequest) -> HttpResponse:
    visible = outbox.messages_visible_to(request.user)
    state = request.GET.get("state", "")
    listed = visible.filter(outbox.STATES[state]) if state in outbox.STATES else visible
    now = timezone.now()
    rows = [(message, outbox.can_resend(message, now=now)) for message in listed.order_by("-created_at", "-pk")[:SHOWN]]
    return render(
        request,
        "portals/outbox/outgoing.html",
        {"rows": rows, "counts": outbox.counts(visible), "state": state, "shown": SHOWN},
    )


@staff_only
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(outbox.messages_visible_to(request.user), pk=pk)
    try:
        outbox.resend(message, actor=acting_user(request))
    except ValidationError as error:
        service_errors_as_messages(request, error)
    else:
        messages.success(request, _("The message is queued again: the worker sends it in a moment."))
    state = request.POST.get("state", "")
    url = redirect("territories:outgoing")
    if state in outbox.STATES:
        url["Location"] += f"?state={state}"
    return url
