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


class TerritoryContact(models.Model):
    """The programme's line in a city, shown to its mentees and mentors with their coordinators'
    names ("your coordinator" on their home pages). Meant as a team phone, but in a small team it may
    be someone's own: it is contact data in the register (binome.privacy.inventory), apart from the
    territory so that the territory itself holds none."""

    territory = models.OneToOneField(
        Territory, verbose_name=_("territory"), on_delete=models.CASCADE, related_name="contact", primary_key=True
    )
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    email = models.EmailField(_("contact email"), blank=True)

    class Meta:
        verbose_name = _("territory contact")
        verbose_name_plural = _("territory contacts")

    def __str__(self) -> str:
        return f"{self.territory}: {self.phone or self.email}"
