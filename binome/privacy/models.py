from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Erasure(models.Model):
    """A person's file was anonymised: when, by whom (or by the retention policy), under which pseudonym.

    The person's row stays (duos, meetings and outcomes still count) with the pseudonym in place of
    the name; this row proves the erasure and makes a second one a no-op.
    """

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="erasure"
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=40, unique=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the retention policy erased the file."),
    )
    reason = models.CharField(_("reason"), max_length=40)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("erasure")

    def __str__(self) -> str:
        return self.pseudonym


class Breach(models.Model):
    """The breach register (GDPR art. 33(5)): every personal-data breach, notified or not."""

    occurred_on = models.DateField(_("date of the breach"))
    discovered_on = models.DateField(_("date it was discovered"))
    nature = models.TextField(_("nature of the breach"))
    categories = models.TextField(_("categories of data concerned"))
    people_affected = models.PositiveIntegerField(_("approximate number of people concerned"))
    consequences = models.TextField(_("likely consequences"))
    measures = models.TextField(_("measures taken or proposed"))
    notified_to_cnil = models.BooleanField(_("notified to the CNIL"), default=False)
    cnil_notified_on = models.DateField(_("notified to the CNIL on"), null=True, blank=True)
    people_informed_on = models.DateField(_("people concerned informed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded on"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("personal data breach")
        verbose_name_plural = _("personal data breaches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notified_to_cnil=False) | models.Q(cnil_notified_on__isnull=False),
                name="breach_cnil_date_when_notified",
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} · {self.people_affected}"
