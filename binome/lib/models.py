"""The outgoing email table: what the background worker sends.

A task row keeps its arguments in clear for as long as the row lives (30 days, see the retention
policy), so an email's text never goes into one: `binome.lib.mail.send_email` writes the message
here, encrypted at rest, and queues a task that carries only its id. Once sent, the worker wipes
the content; the row stays as a receipt (when, to whom by id) until retention deletes it.

`person_id`, `about_person_id` and `user_id` are plain ids, not foreign keys: this foundation sits below the apps
that own people and accounts, and a message must never keep a file from being erased.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.lib.encryption.fields import EncryptedTextField


class OutgoingMessage(models.Model):
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    person_id = models.PositiveBigIntegerField(
        _("person"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The person the message is to, when known: erasure deletes it with their file."),
    )
    about_person_id = models.PositiveBigIntegerField(
        _("about"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The person the message speaks of (a referrer told of a referral's status, a duo reminder)."),
    )
    user_id = models.PositiveBigIntegerField(_("account"), null=True, blank=True, db_index=True)
    to = EncryptedTextField(_("recipients"), blank=True, help_text=_("One address a line."))
    subject = EncryptedTextField(_("subject"), blank=True)
    body = EncryptedTextField(_("text"), blank=True)
    html_body = EncryptedTextField(_("HTML text"), blank=True)
    calendar = EncryptedTextField(
        _("calendar attachment"), blank=True, help_text=_("One or more VCALENDAR objects, one .ics file each.")
    )
    calendar_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    territory_id = models.PositiveBigIntegerField(
        _("territory"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The territory whose staff see the message on the outgoing messages page, when known."),
    )
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    error = EncryptedTextField(_("error"), blank=True, help_text=_("What the mail server answered on the last try."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing email")

    def __str__(self) -> str:
        return f"email #{self.pk}"

    @property
    def recipients(self) -> list[str]:
        return [line for line in self.to.splitlines() if line]

    @property
    def calendars(self) -> list[str]:
        """Each .ics file of the message: a VCALENDAR object each."""
        return [f"BEGIN:VCALENDAR{part}" for part in self.calendar.split("BEGIN:VCALENDAR")[1:]]

    @property
    def state(self) -> str:
        """The state on the outgoing messages page: "sent", "failed" or "queued"."""
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.failed_at is not None else "queued"

    def wipe(self) -> None:
        """Forget the content (links, names, addresses); keep the receipt."""
        self.to = self.subject = self.body = self.html_body = self.calendar = self.error = ""
