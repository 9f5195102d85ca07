from django.db import models
from django.utils.translation import gettext_lazy as _

from binome.reference.models import Place, Sector
from binome.territories.models import Territory


class Organisation(models.Model):
    """A company lending mentors, or a partner: an NGO, a public institution, a funder."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        NGO = "ngo", _("NGO")
        PUBLIC_INSTITUTION = "public", _("Public institution")
        FUNDER = "funder", _("Funder")

    class SizeBand(models.TextChoices):
        # INSEE company categories; the SME offer is for the first two.
        MICRO = "micro", _("Micro (under 10 employees)")
        SME = "sme", _("SME (10 to 249 employees)")
        MID = "mid", _("Mid-size (250 to 4,999 employees)")
        LARGE = "large", _("Large (5,000 employees or more)")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text=_("Empty for national organisations."),
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector (NAF)"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    city = models.ForeignKey(
        Place, verbose_name=_("city"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="company") | models.Q(size_band=""),
                name="organisation_size_band_only_for_companies",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    @property
    def is_partner(self) -> bool:
        return self.kind in {self.Kind.NGO, self.Kind.PUBLIC_INSTITUTION}

    @property
    def is_sme(self) -> bool:
        return self.is_company and self.size_band in {self.SizeBand.MICRO, self.SizeBand.SME}
