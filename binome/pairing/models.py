from django.db import models
from django.utils.translation import gettext_lazy as _

from binome.cohorts.models import Cohort
from binome.people.models import MenteeProfile, MentorProfile


class Duo(models.Model):
    """A mentor and a mentee paired for a cohort."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="duos")
    mentor = models.ForeignKey(MentorProfile, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="duos")
    mentee = models.ForeignKey(MenteeProfile, verbose_name=_("mentee"), on_delete=models.PROTECT, related_name="duos")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("duo")
        constraints = [models.UniqueConstraint(fields=["cohort", "mentee"], name="one_duo_per_mentee_per_cohort")]

    def __str__(self) -> str:
        return f"{self.mentor.person.first_name} & {self.mentee.person.first_name}"
