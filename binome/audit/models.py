"""The audit trail's one table. It sits in its own app, below every domain, because every domain
writes to it; it kept the table it had in the privacy app (`privacy_auditevent`), so the rows,
the append-only triggers (privacy migrations 0002 and 0004) and the database grants did not move."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which record, and when. Written by `binome.audit.audit.record` only."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for actions of the system itself (imports, seed data, scheduled jobs)."),
    )
    verb = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.CharField(_("record"), max_length=40)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        db_table = "privacy_auditevent"
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        indexes = [models.Index(fields=["target_type", "target_id"], name="privacy_aud_target__837504_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.verb} {self.target_type}#{self.target_id}"
