from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.organisations.models import Organisation
from binome.people.models import Person


class Referral(models.Model):
    """A partner's referral of a refugee, and where that person stands in the pipeline."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONTACTED = "contacted", _("Contacted")
        INTERVIEW_SCHEDULED = "interview_scheduled", _("Interview scheduled")
        INTERVIEWED = "interviewed", _("Interviewed")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Ineligible")
        WAITLISTED = "waitlisted", _("Waitlisted")
        ENROLLED = "enrolled", _("Enrolled in a cohort")
        MATCHED = "matched", _("Matched")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left the programme")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
        help_text=_("Empty for people who applied through the public form."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(_("referral reason"), blank=True)
    referred_at = models.DateTimeField(_("referred on"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed on"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-referred_at", "pk"]
        verbose_name = _("referral")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.person} ← {self.partner or _('public application')}"
