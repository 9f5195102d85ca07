"""Background work of the pairing app: telling both members of a new duo."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from binome.pairing.models import Duo
from binome.people.languages import languages_of


@task()
def notify_new_duos(duo_ids: list[int]) -> int:
    """Email the mentor and the mentee of each new duo; returns how many emails left.

    Each learns only the other's first name, the other's job or target, and the cohort's
    start: contact details are shared later, by each member's own choice.
    """
    sent = 0
    duos = list(
        Duo.objects.filter(pk__in=duo_ids)
        .select_related("cohort", "mentor__person", "mentor__occupation", "mentee__person")
        .prefetch_related("mentee__target_occupations")
    )
    languages = languages_of([duo.mentor.person for duo in duos] + [duo.mentee.person for duo in duos])
    for duo in duos:
        targets = ", ".join(o.label for o in list(duo.mentee.target_occupations.all())[:3])
        context = {"duo": duo, "targets": targets, "site_url": settings.SITE_URL}
        for person, template in ((duo.mentor.person, "mentor"), (duo.mentee.person, "mentee")):
            if not person.email:
                continue
            with translation.override(languages[person.pk]):
                subject = render_to_string(f"pairing/email/new_duo_{template}_subject.txt", context).strip()
                body = render_to_string(f"pairing/email/new_duo_{template}.txt", {**context, "person": person})
            sent += EmailMultiAlternatives(
                subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[person.email]
            ).send()
    return sent
