"""The referrer's daily digest: one email a day listing where each of their people now stands.

Screening 80 people moves each through several statuses in an afternoon; telling the referrer of
every step was one email per person per step. `run_daily` calls `send_referrer_digests(today)`,
which tells of every change made before today (local midnight) and not told yet, grouped by the
addresses that hear of each referral, then marks those changes told. A second run the same day
finds nothing more to tell: one digest per referrer per day.

Only first names and statuses: email crosses servers we do not control, so the rest stays behind
the sign-in, which each line links to (on SITE_URL, the site's public address).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from binome.accounts.links import absolute
from binome.accounts.models import Role
from binome.lib.mail import send_email
from binome.sourcing.models import Referral, ReferralTransition

CHUNK = 500  # ids per UPDATE: the first digest after a quiet month may tell of thousands of changes


@dataclass(frozen=True)
class News:
    """One referral's line in a digest: where it stands after the changes told."""

    referral: Referral
    status: str
    transition_ids: tuple[int, ...]


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _untold(today: date) -> list[ReferralTransition]:
    return list(
        ReferralTransition.objects.filter(digested_on__isnull=True, at__lt=start_of(today))
        .select_related("referral__person")
        .order_by("referral_id", "at", "pk")
    )


def _news(transitions: list[ReferralTransition]) -> list[News]:
    """Each referral that moved (its arrival is not news: the referrer sent it), at its latest status."""
    by_referral: dict[int, list[ReferralTransition]] = defaultdict(list)
    for transition in transitions:
        by_referral[transition.referral_id].append(transition)
    news = []
    for steps in by_referral.values():
        moves = [t for t in steps if t.from_status and not t.skipped]
        if moves:
            news.append(News(moves[-1].referral, moves[-1].to_status, tuple(t.pk for t in steps)))
    return news


def _partner_referrers(partner_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """Every active referrer account of each partner, for referrals that name no referrer."""
    found: dict[int, set[str]] = defaultdict(set)
    roles = Role.objects.filter(kind=Role.Kind.REFERRER, organisation_id__in=partner_ids, user__is_active=True)
    for partner_id, email in roles.values_list("organisation_id", "user__email"):
        if email:
            found[partner_id].add(email)
    return {pk: tuple(sorted(emails)) for pk, emails in found.items()}


def _by_recipients(news: list[News]) -> dict[tuple[str, ...], list[News]]:
    """The referrer named on the referral, else every referrer account of the partner; public
    applications have no referrer to tell."""
    accounts = _partner_referrers({n.referral.partner_id for n in news if n.referral.partner_id})
    groups: dict[tuple[str, ...], list[News]] = defaultdict(list)
    for one in news:
        referral = one.referral
        if referral.partner_id is None:
            continue
        to = (referral.referrer_email,) if referral.referrer_email else accounts.get(referral.partner_id, ())
        if to:
            groups[to].append(one)
    return groups


def _digest(news: list[News]) -> tuple[str, str]:
    """The subject and body, in the staff default language (partners are French organisations)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Your referrals: %(count)d status change", "Your referrals: %(count)d status changes", len(news)
        ) % {"count": len(news)}
        lines = [
            _("%(first_name)s: %(status)s — %(url)s")
            % {
                "first_name": one.referral.person.first_name,
                "status": Referral.Status(one.status).label,
                "url": absolute(reverse("sourcing:referral", args=[one.referral.pk])),
            }
            for one in sorted(news, key=lambda n: (n.referral.person.first_name, n.referral.pk))
        ]
        body = "\n\n".join(
            [
                _("Hello,"),
                _("Where your referrals stand after the latest changes:"),
                "\n".join(f"- {line}" for line in lines),
                _("You can follow all your referrals on %(url)s") % {"url": absolute(reverse("partner_portal"))},
                _("The Binôme team"),
            ]
        )
    return subject, body


def send_referrer_digests(today: date | None = None) -> int:
    """Queue one digest per group of referrers for the changes made before `today` and not told
    yet, and mark every one of those changes told; returns the number of digests queued."""
    today = today or timezone.localdate()
    with transaction.atomic():
        untold = _untold(today)
        if not untold:
            return 0
        groups = _by_recipients(_news(untold))
        for to, news in sorted(groups.items()):
            subject, body = _digest(news)
            only = news[0].referral.person_id if len(news) == 1 else None
            message = send_email(subject=subject, body=body, to=list(to), about_person_id=only)
            told = [pk for one in news for pk in one.transition_ids]
            ReferralTransition.objects.filter(pk__in=told).update(digest_message_id=message.pk)
        ids = [t.pk for t in untold]
        for start in range(0, len(ids), CHUNK):
            ReferralTransition.objects.filter(pk__in=ids[start : start + CHUNK]).update(digested_on=today)
    return len(groups)
