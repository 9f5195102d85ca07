"""Screening: the coordinators' board of referrals per stage, bulk moves and one referral's file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from binome.audit import audit
from binome.cohorts.models import Cohort
from binome.cohorts.selectors import cohorts_visible_to
from binome.lib.conflicts import changed_since, version_of, with_version
from binome.lib.forms import record_id
from binome.organisations.models import Organisation
from binome.organisations.selectors import organisations_visible_to
from binome.portals.decorators import staff_only
from binome.portals.helpers import acting_user, add_service_errors
from binome.sourcing.eligibility import describe, precheck, rules_for
from binome.sourcing.forms import BoardFilterForm, MoveForm, selected_ids
from binome.sourcing.models import Referral
from binome.sourcing.selectors import (
    ReferralFilter,
    counts_by_status,
    filter_referrals,
    referral_file,
    referrals_for_board,
    referrals_visible_to,
)
from binome.sourcing.services import SYSTEM_ONLY, BulkMoveError, allowed_next, move_referral, move_referrals
from binome.territories.selectors import territories_visible_to

PAGE_SIZE = 50
MANUAL_STATUSES = [(v, label) for v, label in Referral.Status.choices if v not in SYSTEM_ONLY]


def _open_cohorts(user: Any) -> Any:
    return cohorts_visible_to(user).exclude(status=Cohort.Status.CLOSED).select_related("territory")


def _board_form(request: HttpRequest) -> BoardFilterForm:
    partners = (
        organisations_visible_to(request.user)
        .filter(kind__in=[Organisation.Kind.NGO, Organisation.Kind.PUBLIC_INSTITUTION])
        .order_by("name")
    )
    return BoardFilterForm(request.GET or None, territories=territories_visible_to(request.user), partners=partners)


def _board_context(request: HttpRequest) -> dict[str, Any]:
    form = _board_form(request)
    visible = referrals_visible_to(request.user)
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        partner = data["partner"]
        visible = filter_referrals(
            visible,
            ReferralFilter(
                query=data["q"],
                territory_id=data["territory"],
                partner_id=record_id(partner),
                public_only=partner == "public",
                domain=data["domain"],
                language=data["language"],
                french_level=data["french_level"],
                import_batch=data["import_batch"],
            ),
        )
        status = data["status"]
    board = referrals_for_board(visible)
    listed = board.filter(status=status) if status else board
    page = Paginator(listed.order_by("-status_changed_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    without_status = query_string.copy()
    without_status.pop("status", None)
    return {
        "form": form,
        "counts": counts_by_status(board),
        "total": board.count(),
        "status": status,
        "page": page,
        "query_string": query_string.urlencode(),
        "without_status": without_status.urlencode(),
        "statuses": MANUAL_STATUSES,
        "cohorts": _open_cohorts(request.user),
        "rule_sets": _rule_sets(request.user),
        "import_batch": form.cleaned_data["import_batch"] if form.is_valid() else "",
    }


def _rule_sets(user: Any) -> list[tuple[Any, Any, list[tuple[str, str]]]]:
    """Each visible territory with the rules that apply to it (its own, or the national default)."""
    rows = []
    for territory in territories_visible_to(user).select_related("centre"):
        rules = rules_for(territory)
        rows.append((territory, rules, describe(rules) if rules else []))
    return rows


@staff_only
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/sourcing/screening/board.html", _board_context(request))


@staff_only
@require_POST
def bulk_move(request: HttpRequest) -> HttpResponse:
    """Move the ticked referrals together: all of them, or none with the list of what stood in the way."""
    ids = selected_ids(request.POST.getlist("selected"))
    form = MoveForm(request.POST, allowed=MANUAL_STATUSES, cohorts=_open_cohorts(request.user))
    back = redirect(f"{reverse('sourcing:screening_board')}?{request.POST.get('back', '')}")
    if not ids:
        messages.error(request, _("Select at least one referral."))
        return back
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back
    referrals = list(referrals_visible_to(request.user).filter(pk__in=ids).select_related("person"))
    if len(referrals) != len(ids):
        # Out of scope or gone: say so without saying which exist elsewhere.
        messages.error(request, _("Some of the selected referrals could not be found. Nothing was moved."))
        return back
    data = form.cleaned_data
    try:
        moved = move_referrals(
            referrals,
            data["to_status"],
            actor=acting_user(request),
            note=data["note"],
            override=data["override"],
            cohort=data["cohort"],
        )
    except BulkMoveError as error:
        messages.error(
            request,
            ngettext(
                "Nothing was moved: %(count)d referral cannot go to “%(to)s”.",
                "Nothing was moved: %(count)d referrals cannot go to “%(to)s”.",
                len(error.failures),
            )
            % {"count": len(error.failures), "to": Referral.Status(data["to_status"]).label},
        )
        for referral, why in error.failures:
            messages.error(request, f"{referral.person.full_name}: {why}")
    else:
        messages.success(
            request,
            ngettext("%(count)d referral moved.", "%(count)d referrals moved.", len(moved)) % {"count": len(moved)},
        )
    return back


@staff_only
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    found = referral_file(referrals_visible_to(request.user), pk)
    audit.viewed(request, found, what="screening")
    allowed = [(s, Referral.Status(s).label) for s in allowed_next(found)]
    cohorts = _open_cohorts(request.user).filter(territory_id=found.person.territory_id)
    seen = {"status": found.status}
    form: Any = with_version(MoveForm)(
        request.POST or None, allowed=allowed, cohorts=cohorts, initial={"version": version_of(seen)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                # Another coordinator may have moved it since this page was shown: say so, move nothing.
                status_now = Referral.objects.select_for_update().values_list("status", flat=True).get(pk=found.pk)
                if changed_since(data["version"], {"status": status_now}):
                    raise ValidationError(
                        _("Someone else moved this referral to “%(to)s” meanwhile; nothing was changed.")
                        % {"to": Referral.Status(status_now).label}
                    )
                move_referral(
                    found,
                    data["to_status"],
                    actor=acting_user(request),
                    note=data["note"],
                    override=data["override"],
                    cohort=data["cohort"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Moved to “%(to)s”.") % {"to": Referral.Status(data["to_status"]).label})
            return redirect("sourcing:screening_referral", pk=found.pk)
    else:
        audit.record(actor=acting_user(request), verb=audit.Verb.VIEWED, target=found)
    check = precheck(found)
    return render(
        request,
        "portals/sourcing/screening/referral.html",
        {
            "referral": found,
            "person": found.person,
            "profile": getattr(found.person, "mentee_profile", None),
            "check": check,
            "rules_described": describe(check.rules) if check.rules else [],
            "form": form,
            "consents": list(found.person.consents.all()),
        },
    )
