"""Privacy notices (GDPR art. 13) shown where personal data is collected, versioned like the
consent texts: a change of wording is a new version, and the enrolment's trail says which one the
person was shown. The refugee's side is the consent text (sourcing.ConsentText); a mentor enrols
under their company's sponsorship agreement, so theirs is a notice, not a consent.

The retention periods and purposes come from the processing register (inventory.py), so the
notice cannot say something the register does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from binome.privacy.inventory import ACCOUNTS, IMPACT, MENTORING, RETENTION


@dataclass(frozen=True)
class Notice:
    version: str
    in_force_from: date
    sections: tuple[tuple[Any, tuple[Any, ...]], ...]  # (heading, paragraphs), lazy translations


MENTOR_NOTICE = Notice(
    version="mentor-2026-12",
    in_force_from=date(2026, 12, 4),
    sections=(
        (
            _("What we collect"),
            (
                _(
                    "Your name, work email, phone and gender; your job title, occupation and workplace town; "
                    "the languages you speak, when you are free and your mentoring preferences. Later: your "
                    "training, your meetings with your mentee and your skills-sponsorship hours."
                ),
            ),
        ),
        (_("Why"), (MENTORING.purpose, IMPACT.purpose, ACCOUNTS.purpose)),
        (
            _("Who sees it"),
            (
                _("The programme's coordinators of your territory, to train you and to match you with a mentee."),
                _("Your mentee, once your duo starts: your name, your job and the contact details you share."),
                _(
                    "Your company's HR contact: your name, job title, training and hours; never anything about "
                    "your mentee."
                ),
            ),
        ),
        (_("How long"), (RETENTION["mentor_file"].label, RETENTION["account"].label)),
        (
            _("Your rights"),
            (
                _(
                    "You may see your data, have it corrected or exported, object to its use or have it erased: "
                    "ask the programme's coordinators of your territory. You may also complain to the CNIL "
                    "(www.cnil.fr)."
                ),
            ),
        ),
    ),
)


def mentor_notice() -> Notice:
    """The notice in force for people enrolling as mentors."""
    return MENTOR_NOTICE
