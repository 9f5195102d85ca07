"""Refugee-side entrances: the partner's referral form and the public application form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from binome.accounts import clients
from binome.accounts.access import scope_of
from binome.audit import audit
from binome.organisations.models import Organisation
from binome.portals.decorators import referrers_only
from binome.portals.helpers import acting_user, add_service_errors, attempts_this_hour, count_attempt
from binome.sourcing.duplicates import TooManyLookups, referral_hint
from binome.sourcing.forms import PublicApplicationForm, ReferralForm
from binome.sourcing.models import Consent, ConsentText, Referral
from binome.sourcing.selectors import referrals_of_partners, referrals_visible_to
from binome.sourcing.services import current_consent_text, submit_referral

# Public applications allowed per client address and hour, counted by the portals' rate limit
# (binome/portals/helpers.py, in the cache every web process shares). Only applications that were
# sent count: a form sent back with a mistake to correct does not.
PUBLIC_APPLICATIONS_PER_HOUR = getattr(settings, "PUBLIC_APPLICATIONS_PER_HOUR", 5)
APPLICATIONS = "public-apply"
APPLIED = audit.Verb.APPLIED


def _no_consent_text(request: HttpRequest, template: str) -> HttpResponse:
    # Without a text in force there is nothing to consent to, so nothing may be collected.
    return render(request, template, {"no_consent_text": True})


# --- partner portal -----------------------------------------------------------------------

REFERRAL_GROUPS = [
    (
        _lazy("The person"),
        (
            "first_name",
            "last_name",
            "phone",
            "email",
            "gender",
            "date_of_birth",
            "country_of_origin",
            "mother_tongue",
            "territory",
        ),
    ),
    (
        _lazy("Situation and project"),
        (
            "protection_status",
            "right_to_work",
            "arrival_date",
            "french_level",
            "home",
            "target_1",
            "target_2",
            "target_3",
            "education_level",
            "work_experience",
            "meeting_mode",
            "availability",
            "available_six_months",
        ),
    ),
    (_lazy("The referral"), ("reason", "referrer_name", "referrer_email", "referrer_phone")),
]


def _own_partners(request: HttpRequest) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=scope_of(request.user).partner_ids).select_related("territory"))


@referrers_only
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    """A referrer refers someone: the profile, the reason, their own contact and the person's consent."""
    consent_text = current_consent_text()
    if consent_text is None:
        return _no_consent_text(request, "portals/sourcing/referrals/referral_form.html")
    partners = _own_partners(request)
    partner = partners[0]  # a referrer works for one partner; several is an edge case, see below
    if len(partners) > 1 and (chosen := request.POST.get("partner") or request.GET.get("partner")):
        partner = next((p for p in partners if str(p.pk) == chosen), partner)
    user: Any = request.user
    initial = {
        "referrer_name": user.get_full_name() if hasattr(user, "get_full_name") else "",
        "referrer_email": user.email,
        "territory": partner.territory_id,
        "consent_given_on": timezone.localdate(),
    }
    form = ReferralForm(request.POST or None, initial=initial)
    maybe_known = False
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Tell the referrer only that their own organisation may already have referred the person:
        # never whom, and never anything about people referred elsewhere (issue #15, F10).
        try:
            maybe_known = referral_hint(
                actor=acting_user(request),
                partner=partner,
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                phone=data["phone"],
                email=data["email"],
            )
        except TooManyLookups:
            form.add_error(None, _("Too many referrals checked within the hour. Please try again later."))
            status = 429
        if status != 429 and (not maybe_known or data["confirm_duplicate"]):
            try:
                referral = submit_referral(
                    actor=acting_user(request),
                    partner=partner,
                    territory=data["territory"],
                    source=Referral.Source.PARTNER_PORTAL,
                    person_fields=form.person_values(),
                    profile_fields=form.profile_values(),
                    targets=data["targets"],
                    languages=form.languages(),
                    consent_text=consent_text,
                    consent_given_on=data["consent_given_on"],
                    consent_method=data["consent_method"],
                    reason=data["reason"],
                    referrer=form.referrer(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
                maybe_known = False
            else:
                messages.success(request, _("Thank you: the referral was sent to the coordinators."))
                return redirect("sourcing:referral", pk=referral.pk)
        if maybe_known:
            # The second submission carries the confirmation: the referrer has seen the warning.
            data_copy = request.POST.copy()
            data_copy["confirm_duplicate"] = "on"
            form.data = data_copy
    return render(
        request,
        "portals/sourcing/referrals/referral_form.html",
        {
            "form": form,
            "partner": partner,
            "partners": partners,
            "consent_text": consent_text,
            "consent_body": _consent_body(consent_text),
            "maybe_known": maybe_known,
            "groups": [(title, [form[name] for name in names]) for title, names in REFERRAL_GROUPS],
            "consent_fields": [form[name] for name in ("consent_given", "consent_given_on", "consent_method")],
        },
        status=status,
    )


@referrers_only
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the partner's own referrals: where it stands and when each step happened. Another
    partner's referral does not exist for them (404), even if it is the same person."""
    visible = referrals_of_partners(referrals_visible_to(request.user), scope_of(request.user).partner_ids)
    referral = get_object_or_404(visible, pk=pk)
    audit.viewed(request, referral, what="referral status")
    return render(request, "portals/sourcing/referrals/referral.html", {"referral": referral})


# --- public application -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_apply(request: HttpRequest) -> HttpResponse:
    """Anyone may apply, on a phone, in French, English or Arabic, without JavaScript."""
    consent_text = current_consent_text()
    if consent_text is None:
        return _no_consent_text(request, "portals/sourcing/referrals/apply.html")
    form = PublicApplicationForm(request.POST or None)
    limited = False
    if request.method == "POST":
        if form.is_spam:
            # Robots get the same thank-you as people, so they learn nothing; nothing is saved.
            return redirect("sourcing:apply_thanks")
        limited = attempts_this_hour(request, APPLICATIONS) >= PUBLIC_APPLICATIONS_PER_HOUR
        if not limited and form.is_valid():
            data = form.cleaned_data
            try:
                referral = submit_referral(
                    actor=None,
                    partner=None,
                    territory=data["territory"],
                    source=Referral.Source.PUBLIC_FORM,
                    person_fields=form.person_values(),
                    profile_fields=form.profile_values(),
                    targets=[data["project"].code],
                    languages=form.languages(),
                    consent_text=consent_text,
                    consent_given_on=timezone.localdate(),
                    consent_method=Consent.Method.ONLINE_FORM,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                count_attempt(request, APPLICATIONS)
                # A salted hash of the address: enough to tell applications from one client apart,
                # useless to identify anyone.
                audit.record(
                    actor=None, verb=APPLIED, target=referral, client=clients.client_key(request, APPLICATIONS)
                )
                return redirect("sourcing:apply_thanks")
    status = 429 if limited else 200
    return render(
        request,
        "portals/sourcing/referrals/apply.html",
        {"form": form, "consent_text": consent_text, "consent_body": _consent_body(consent_text), "limited": limited},
        status=status,
    )


def _consent_body(text: ConsentText) -> str:
    return text.body_for(get_language() or "fr")


def public_apply_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/sourcing/referrals/thanks.html")
