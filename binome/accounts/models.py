"""Users sign in with their email; what they may do comes from their role memberships."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self.create_user(email, password, **extra)
        Role.objects.get_or_create(user=user, kind=Role.Kind.NATIONAL_ADMIN)
        return user


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), unique=True)
    # The language the person last chose on the site: emails to them are written in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.email


class Role(models.Model):
    """One role of a user, with the scope it applies to (a territory, an organisation, a person)."""

    class Kind(models.TextChoices):
        NATIONAL_ADMIN = "national_admin", _("National admin")
        COORDINATOR = "coordinator", _("Territory coordinator")
        COMPANY_CONTACT = "company_contact", _("Company contact")
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")
        REFERRER = "referrer", _("Partner referrer")
        FUNDER = "funder", _("Funder viewer")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    # By name, not by class: accounts sits below the apps that own territories, organisations and
    # people (README, "Layers"), which all import accounts.
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a coordinator only."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        help_text=_("For a company contact (a company) or a referrer (an NGO or a public institution)."),
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        help_text=_("For a mentor or a mentee: their file."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            # One constraint per kind of scope: NULLs never compare equal in a plain unique index.
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(kind__in=["national_admin", "funder"]),
                name="role_unique_global",
                violation_error_message=_("This account already has this role."),
            ),
            models.UniqueConstraint(
                fields=["user", "territory"],
                condition=models.Q(kind="coordinator"),
                name="role_unique_territory",
                violation_error_message=_("This account already coordinates this territory."),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "organisation"],
                condition=models.Q(kind__in=["company_contact", "referrer"]),
                name="role_unique_organisation",
                violation_error_message=_("This account already has this role in this organisation."),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "person"],
                condition=models.Q(kind__in=["mentor", "mentee"]),
                name="role_unique_person",
                violation_error_message=_("This account already has this role for this person."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["national_admin", "funder"], territory=None, person=None)
                    | models.Q(kind="coordinator", territory__isnull=False, organisation=None, person=None)
                    | models.Q(kind__in=["company_contact", "referrer"], organisation__isnull=False, person=None)
                    | models.Q(kind__in=["mentor", "mentee"], person__isnull=False, territory=None)
                ),
                name="role_scope_matches_kind",
                violation_error_message=_(
                    "This role does not go with the scope chosen: see the rule under each field."
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.territory or self.organisation or self.person or ""
        return f"{self.get_kind_display()} {scope}".strip()

    def clean(self) -> None:
        """Each kind of role needs its own kind of scope: said as a sentence on the field concerned
        (the database's check, `role_scope_matches_kind`, only backs it up)."""
        errors = self.scope_errors()
        if errors:
            raise ValidationError(errors)

    def scope_errors(self) -> dict[str, list[str]]:
        """The check constraint's rule, field by field, as sentences."""
        kind = self.kind
        errors: dict[str, list[str]] = {}
        rules: dict[str, tuple[str | None, tuple[str, ...]]] = {  # kind: (scope it needs, scopes left empty)
            self.Kind.NATIONAL_ADMIN: (None, ("territory", "person")),
            self.Kind.FUNDER: (None, ("territory", "person")),
            self.Kind.COORDINATOR: ("territory", ("organisation", "person")),
            self.Kind.COMPANY_CONTACT: ("organisation", ("person",)),
            self.Kind.REFERRER: ("organisation", ("person",)),
            self.Kind.MENTOR: ("person", ("territory",)),
            self.Kind.MENTEE: ("person", ("territory",)),
        }
        rule = rules.get(kind)
        if rule is None:
            return errors
        needs, empty = rule
        missing = {
            "territory": _("A coordinator needs the territory they coordinate."),
            "organisation": _("A company contact or a referrer needs their organisation."),
            "person": _("A mentor or a mentee needs their person's file."),
        }
        if needs and getattr(self, f"{needs}_id") is None:
            errors[needs] = [str(missing[needs])]
        for name in empty:
            if getattr(self, f"{name}_id") is not None:
                errors[name] = [str(_("Leave this empty for the role “%(role)s”.") % {"role": self.get_kind_display()})]
        if kind == self.Kind.COMPANY_CONTACT and self.organisation and not self.organisation.is_company:
            errors["organisation"] = [str(_("A company contact must belong to a company."))]
        if kind == self.Kind.REFERRER and self.organisation and not self.organisation.is_partner:
            errors["organisation"] = [str(_("A referrer must belong to an NGO or a public institution."))]
        return errors
