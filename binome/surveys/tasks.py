"""Background work of the surveys app: the personal link, by email, through the worker.

The link's secret is made here, inside the worker, so it is never stored in the task queue:
only its hash reaches the database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from binome.people.languages import language_of
from binome.surveys import services
from binome.surveys.models import Invitation


@task()
def email_survey_link(invitation_id: int, kind: str = "invitation") -> int:
    """Email a new personal link for the invitation ("invitation" or "reminder"); 0 when there is
    nothing to send (answered already, expired, no email address)."""
    invitation = (
        Invitation.objects.select_related("person", "wave__instrument", "wave__cohort").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.is_submitted or invitation.is_expired() or not invitation.person.email:
        return 0
    raw = services.issue_link(invitation)
    context = {
        "person": invitation.person,
        "invitation": invitation,
        "reminder": kind == "reminder",
        "url": settings.SITE_URL + reverse("surveys:respond", kwargs={"token": raw}),
    }
    with translation.override(language_of(person=invitation.person)):
        context["title"] = invitation.wave.instrument.label
        subject = render_to_string("portals/surveys/email/link_subject.txt", context).strip()
        body = render_to_string("portals/surveys/email/link.txt", context)
    return EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.person.email]
    ).send()
