"""People and their profiles. A Person can be a mentor, a mentee, or neither (yet)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from binome.lib.encryption.fields import EncryptedTextField
from binome.organisations.models import Organisation
from binome.reference.models import CefrLevel, Language, Occupation, Place, normalise_for_search
from binome.territories.models import Territory

DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
DAY_PARTS = [("am", _("morning")), ("pm", _("afternoon")), ("eve", _("evening"))]
AVAILABILITY_SLOTS = [f"{day}_{part}" for day, _label in DAYS for part, _plabel in DAY_PARTS]


def validate_availability(value: object) -> None:
    if not isinstance(value, list) or any(slot not in AVAILABILITY_SLOTS for slot in value):
        raise ValidationError(_("Availability must be a list of known weekly slots."))


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    OTHER = "other", _("Other or prefers not to say")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote")
    EITHER = "either", _("Either")


class Person(models.Model):
    """Someone the programme knows: identity and contact details, nothing role-specific."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    country_of_origin = CountryField(_("country of origin"), blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="people"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Accent-, case- and order-free name, kept by save(): the first half of duplicate detection.
    name_key = models.CharField(max_length=210, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_name_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):  # type: ignore[call-overload]
            kwargs["update_fields"] = {*update_fields, "name_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def refresh_name_key(self) -> None:
        """Kept by save(); `people.services.create_people` calls it too, as bulk_create skips save()."""
        self.name_key = self.name_key_for(self.first_name, self.last_name)

    @staticmethod
    def name_key_for(first_name: str, last_name: str) -> str:
        """'Amara DIALLO' and 'Diallo Amara' give the same key: partners swap name order."""
        return " ".join(sorted(normalise_for_search(f"{first_name} {last_name}").split()))


class PersonLanguage(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, verbose_name=_("language"), on_delete=models.PROTECT)
    level = models.CharField(_("level"), max_length=6, choices=CefrLevel.choices)

    class Meta:
        ordering = ["language__name_en"]
        constraints = [models.UniqueConstraint(fields=["person", "language"], name="one_level_per_language")]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_level_display()})"


class MentorProfile(models.Model):
    """An employee lent by their company to mentor one or two refugees."""

    class Training(models.TextChoices):
        NOT_STARTED = "not_started", _("Not trained")
        SCHEDULED = "scheduled", _("Training scheduled")
        COMPLETED = "completed", _("Trained")
        WAIVED = "waived", _("Training waived")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mentor_profile")
    company = models.ForeignKey(
        Organisation,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="mentors",
        limit_choices_to={"kind": Organisation.Kind.COMPANY},
    )
    job_title = models.CharField(_("job title"), max_length=150)
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation (ROME)"), on_delete=models.PROTECT, related_name="+"
    )
    workplace = models.ForeignKey(
        Place, verbose_name=_("workplace"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    capacity = models.PositiveSmallIntegerField(
        _("number of mentees"), default=1, validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    gender_preference = models.CharField(
        _("preferred mentee gender"), max_length=10, choices=Gender.choices, blank=True
    )
    gender_preference_required = models.BooleanField(_("gender preference is required"), default=False)
    meeting_mode = models.CharField(
        _("meeting mode"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.EITHER
    )
    availability = models.JSONField(
        _("weekly availability"), default=list, blank=True, validators=[validate_availability]
    )
    training_status = models.CharField(
        _("training"), max_length=12, choices=Training.choices, default=Training.NOT_STARTED
    )
    trained_on = models.DateField(_("trained on"), null=True, blank=True)
    training_waiver_reason = models.TextField(_("why training was waived"), blank=True)
    enrolled_at = models.DateTimeField(
        _("enrolled on"),
        null=True,
        blank=True,
        help_text=_("Set when the employee enrolled through an invitation link."),
    )

    class Meta:
        verbose_name = _("mentor profile")
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1, capacity__lte=2), name="mentor_capacity_1_or_2")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.job_title})"

    @property
    def is_matchable(self) -> bool:
        return self.training_status in {self.Training.COMPLETED, self.Training.WAIVED}


class MenteeProfile(models.Model):
    """A refugee job seeker: the facts that decide eligibility and matching."""

    class ProtectionStatus(models.TextChoices):
        REFUGEE = "refugee", _("Refugee")
        SUBSIDIARY = "subsidiary", _("Subsidiary protection")
        TEMPORARY = "temporary", _("Temporary protection")
        STATELESS = "stateless", _("Stateless person")
        ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker with the right to work")

    class Education(models.TextChoices):
        NONE = "none", _("No formal schooling")
        PRIMARY = "primary", _("Primary school")
        SECONDARY = "secondary", _("Secondary school")
        VOCATIONAL = "vocational", _("Vocational training")
        BACHELOR = "bachelor", _("Bachelor's degree or equivalent")
        MASTER = "master", _("Master's degree or higher")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mentee_profile")
    # Encrypted at rest: the database cannot filter on it (see binome/lib/encryption/fields.py).
    protection_status = EncryptedTextField(_("protection status"), choices=ProtectionStatus.choices)
    right_to_work = models.BooleanField(_("has the right to work"), default=True)
    arrival_date = models.DateField(_("arrival in France"), null=True, blank=True)
    french_level = models.CharField(_("French level"), max_length=6, choices=CefrLevel.choices)
    home = models.ForeignKey(
        Place, verbose_name=_("home town"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    target_occupations = models.ManyToManyField(
        Occupation, verbose_name=_("target occupations (ROME)"), related_name="+", blank=True
    )
    education_level = models.CharField(_("education"), max_length=12, choices=Education.choices, blank=True)
    work_experience = models.TextField(_("work experience"), blank=True)
    availability = models.JSONField(
        _("weekly availability"), default=list, blank=True, validators=[validate_availability]
    )
    meeting_mode = models.CharField(
        _("meeting mode"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.EITHER
    )
    gender_preference = models.CharField(
        _("preferred mentor gender"), max_length=10, choices=Gender.choices, blank=True
    )
    gender_preference_required = models.BooleanField(_("gender preference is required"), default=False)
    available_six_months = models.BooleanField(
        _("available for the six months of the programme"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("mentee profile")

    def __str__(self) -> str:
        return str(self.person)
