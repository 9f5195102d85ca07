from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from binome.accounts.access import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation links of every portal the signed-in user may enter."""
    scope = scope_of(getattr(request, "user", None))
    links = []
    if scope.is_staff:
        links += [
            (reverse("territories:dashboard"), _("Dashboard")),
            (reverse("people:people"), _("People")),
            (reverse("sourcing:screening_board"), _("Screening")),
            (reverse("sourcing:imports"), _("Import")),
            (reverse("sourcing:training"), _("Training")),
            (reverse("cohorts:cohorts"), _("Cohorts")),
            (reverse("pairing:matching"), _("Matching")),
            (reverse("meetings:attention"), _("Needs attention")),
            (reverse("impact:dashboard"), _("Impact")),
            (reverse("organisations:relations"), _("Companies")),
            (reverse("organisations:partners"), _("Partners")),
            (reverse("accounts:accounts"), _("Accounts")),
            (reverse("events:events"), _("Events")),
            (reverse("sponsorship:overview"), _("Contributions")),
            (reverse("territories:outgoing"), _("Outgoing messages")),
        ]
    if scope.company_ids:
        links.append((reverse("company_portal"), _("My company")))
    if scope.mentor_person_ids:
        links.append((reverse("mentor_portal"), _("My mentoring")))
    if scope.mentee_person_ids:
        links.append((reverse("mentee_portal"), _("My duo")))
    if scope.partner_ids:
        links.append((reverse("partner_portal"), _("My referrals")))
    if scope.mentor_person_ids or scope.mentee_person_ids:
        links.append((reverse("cohorts:resources"), _("Resources")))
    if scope.is_staff or scope.mentor_person_ids or scope.mentee_person_ids:
        links.append((reverse("cohorts:calendar_feed_manage"), _("My calendar")))
    if scope.funder or scope.national_admin:
        links.append((reverse("funder_portal"), _("Results")))
    if scope.is_staff or scope.company_ids or scope.partner_ids or scope.funder:
        # Two-factor set-up, recovery codes: for the roles that need them (binome.accounts.security
        # .mfa_required); mentors and mentees are not asked for it, so it is not in their menu.
        links.append((reverse("mfa_index"), _("Sign-in security")))
    if scope.national_admin:
        links.append((reverse("territories:national"), _("Territories")))
        links.append((reverse("privacy:register"), _("Personal data")))
        links.append((reverse("admin:index"), _("Administration")))
    return {
        "nav_links": links,
        "scope": scope,
        "STAFF_LANGUAGE_CODES": settings.STAFF_LANGUAGES,
        "MENTEE_LANGUAGE_CODES": settings.MENTEE_LANGUAGES,
        "DEMO_MODE": settings.DEMO_MODE,
    }
