from django.db import models
from django.utils.translation import gettext_lazy as _

from binome.reference.models import Place


class Territory(models.Model):
    """A city or area where the programme runs, with its own coordinators and partners."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    centre = models.ForeignKey(Place, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    radius_km = models.PositiveSmallIntegerField(_("radius (km)"), default=40)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.name
