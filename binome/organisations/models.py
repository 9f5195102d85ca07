from django.conf import settings
from django.db import models
from django.utils import timezone
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


class Contact(models.Model):
    """A person we deal with at a company or a partner. Personal data: every write is audited."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role or title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("contact")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class Exchange(models.Model):
    """One exchange with an organisation: a call, an email, a meeting."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Meeting")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="exchanges"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchanges",
    )
    happened_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("exchange")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()} · {self.happened_on}"


class CompanyRelation(models.Model):
    """Where a company stands in its territory's pipeline, and what to do next."""

    class Stage(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        CONTACTED = "contacted", _("Contacted")
        MEETING = "meeting", _("Meeting")
        SIGNED = "signed", _("Agreement signed")
        LOST = "lost", _("Lost")

    company = models.OneToOneField(
        Organisation, verbose_name=_("company"), on_delete=models.CASCADE, related_name="relation"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDENTIFIED)
    lost_reason = models.TextField(_("why it was lost"), blank=True)
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed on"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company__name"]
        verbose_name = _("company relation")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage="lost") | ~models.Q(lost_reason=""),
                name="company_relation_lost_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.get_stage_display()}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.next_action_on is not None
            and self.stage != self.Stage.LOST
            and self.next_action_on < timezone.localdate()
        )


class StageChange(models.Model):
    """One move of a company through the pipeline: who, when, from and to."""

    relation = models.ForeignKey(CompanyRelation, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=CompanyRelation.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=CompanyRelation.Stage.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("stage change")

    def __str__(self) -> str:
        return f"{self.relation_id}: {self.from_stage or '∅'} → {self.to_stage}"


class PartnerAgreement(models.Model):
    """A written agreement with a partner (NGO, public body, funder), where one exists."""

    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="partner_agreements"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    document_reference = models.CharField(_("document reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("partner agreement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="partner_agreement_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.purpose}"
