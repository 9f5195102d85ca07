"""The coordinator's "needs attention" list: duos whose engagement rules raised an alert."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from binome.lib.forms import BinomeForm, record_id
from binome.meetings import engagement, selectors
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user
from binome.territories.selectors import territories_visible_to

PAGE_SIZE = 50


class AlertActionForm(BinomeForm):
    action = forms.ChoiceField(
        choices=[
            ("note", gettext_lazy("Note")),
            ("snoozed", gettext_lazy("Snooze")),
            ("resolved", gettext_lazy("Resolve")),
        ]
    )
    text = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    until = forms.DateField(
        label=gettext_lazy("Snooze until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@staff_only
def attention(request: HttpRequest) -> HttpResponse:
    territories = list(territories_visible_to(request.user))
    chosen = request.GET.get("territory", "")
    territory_id = record_id(chosen) if record_id(chosen) in {t.pk for t in territories} else None
    alerts = selectors.alerts_needing_attention(request.user, territory_id=territory_id)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portals/meetings/attention.html",
        {"alerts": page, "page": page, "territories": territories, "territory_id": territory_id},
    )


@staff_only
@require_POST
def alert_action(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, pk)
    form = AlertActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("meetings:attention")
    data = form.cleaned_data
    try:
        engagement.note_alert(
            alert, actor=acting_user(request), text=data["text"], action=data["action"], until=data["until"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("meetings:attention")
