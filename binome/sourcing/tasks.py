"""Background tasks of sourcing: the check of an uploaded spreadsheet, and the referrer's former
one-email-per-step notice (referrers now get a daily digest, sourcing/digest.py)."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from binome.accounts.links import absolute
from binome.accounts.models import Role
from binome.lib.mail import send_email
from binome.sourcing.models import ReferralTransition


def referrer_addresses(transition: ReferralTransition) -> list[str]:
    """The referrer named on the referral, else every referrer account of the partner."""
    referral = transition.referral
    if referral.partner_id is None:
        return []  # a public application has no referrer to tell
    if referral.referrer_email:
        return [referral.referrer_email]
    return sorted(
        set(
            Role.objects.filter(
                kind=Role.Kind.REFERRER, organisation_id=referral.partner_id, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


@task()
def notify_referrer_of_status(transition_id: int) -> int:
    """Email the referrer that their referral moved. Only the first name and the new status:
    email crosses servers we do not control, so the rest stays behind the sign-in.

    No longer queued (the daily digest tells of every change): kept so that notices queued before
    the upgrade still go out; the migration that brought the digest marked those changes told."""
    transition = ReferralTransition.objects.select_related("referral__person").filter(pk=transition_id).first()
    if transition is None:
        return 0  # the referral was deleted (erasure request) before the worker got to it
    to = referrer_addresses(transition)
    if not to:
        return 0
    # Partners are French organisations: staff-side emails go out in the staff default language.
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "first_name": transition.referral.person.first_name,
            "status": transition.referral.Status(transition.to_status).label,
        }
        subject = _("Referral of %(first_name)s: %(status)s") % values
        body = "\n\n".join(
            [
                _("Hello,"),
                _("The referral of %(first_name)s is now at the stage: %(status)s.") % values,
                _("You can follow your referrals on %(url)s") % {"url": absolute(reverse("partner_portal"))},
                _("The Binôme team"),
            ]
        )
    send_email(subject=subject, body=body, to=to, about_person_id=transition.referral.person_id)
    return len(to)


@task()
def check_referral_import(pending_id: int) -> str:
    """Read and check an uploaded spreadsheet, off the web request: a hostile file costs the worker
    at most the import limits' worth of work, and the page polls for the stored result."""
    from binome.sourcing.importing.pending import run_check

    return run_check(pending_id)
