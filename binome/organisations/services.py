"""Writes of company and partner relations: the pipeline, contacts, exchanges, partner agreements.

Contacts are personal data: every write names who acted in the audit trail.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.audit import audit
from binome.organisations.models import (
    CompanyRelation,
    Contact,
    Exchange,
    Organisation,
    PartnerAgreement,
    StageChange,
)
from binome.territories.models import Territory

Stage = CompanyRelation.Stage


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "company"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def add_prospect(
    *,
    territory: Territory,
    name: str,
    next_action: str = "",
    next_action_on: date | None = None,
    actor: Actor,
) -> CompanyRelation:
    """A new company enters the territory's pipeline as "identified"."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the company's name.")})
    if Organisation.objects.filter(kind=Organisation.Kind.COMPANY, territory=territory, name__iexact=name).exists():
        raise ValidationError({"name": _("This company is already in the territory: open its page.")})
    company = Organisation.objects.create(
        name=name, slug=_unique_slug(name), kind=Organisation.Kind.COMPANY, territory=territory
    )
    relation = CompanyRelation.objects.create(
        company=company, stage=Stage.IDENTIFIED, next_action=next_action.strip(), next_action_on=next_action_on
    )
    StageChange.objects.create(relation=relation, to_stage=Stage.IDENTIFIED, actor=signed_in(actor))
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=relation)
    return relation


@transaction.atomic
def move_company(
    company: Organisation,
    *,
    stage: str,
    lost_reason: str = "",
    next_action: str = "",
    next_action_on: date | None = None,
    note: str = "",
    actor: Actor,
) -> CompanyRelation:
    """Move a company to a stage (any stage: a lost prospect can come back), with the next action.

    A lost company needs a reason; the next action is cleared when it is lost.
    """
    if not company.is_company:
        raise ValidationError(_("Only companies go through the pipeline."))
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage.")})
    lost_reason = (lost_reason or "").strip()
    if stage == Stage.LOST and not lost_reason:
        raise ValidationError({"lost_reason": _("Say why this company was lost.")})
    relation, _created = CompanyRelation.objects.select_for_update().get_or_create(company=company)
    previous = "" if _created else relation.stage
    relation.stage = stage
    relation.lost_reason = lost_reason if stage == Stage.LOST else ""
    relation.next_action = "" if stage == Stage.LOST else (next_action or "").strip()
    relation.next_action_on = None if stage == Stage.LOST else next_action_on
    if previous != stage:
        relation.stage_changed_at = timezone.now()
        StageChange.objects.create(
            relation=relation, from_stage=previous, to_stage=stage, actor=signed_in(actor), note=note.strip()
        )
    relation.save()
    audit.record(actor=actor, verb=audit.Verb.MOVED, target=relation, stage=stage, previous=previous)
    return relation


@transaction.atomic
def record_signature(company: Organisation, *, note: str, actor: Actor) -> CompanyRelation:
    """An agreement of this company was signed: its pipeline reaches "agreement signed" (from
    any stage, lost included), keeping its next action. Nothing changes when it is there already."""
    relation, created = CompanyRelation.objects.select_for_update().get_or_create(company=company)
    previous = "" if created else relation.stage
    if previous == Stage.SIGNED:
        return relation
    relation.stage = Stage.SIGNED
    relation.lost_reason = ""
    relation.stage_changed_at = timezone.now()
    relation.save()
    StageChange.objects.create(
        relation=relation, from_stage=previous, to_stage=Stage.SIGNED, actor=signed_in(actor), note=note
    )
    audit.record(actor=actor, verb=audit.Verb.MOVED, target=relation, stage=Stage.SIGNED, previous=previous)
    return relation


@transaction.atomic
def add_contact(
    organisation: Organisation, *, name: str, role: str = "", email: str = "", phone: str = "", actor: Actor
) -> Contact:
    contact = Contact(
        organisation=organisation, name=name.strip(), role=role.strip(), email=email.strip(), phone=phone.strip()
    )
    contact.full_clean()
    contact.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=contact, organisation=organisation.pk)
    return contact


@transaction.atomic
def update_contact(contact: Contact, *, actor: Actor, **fields: str) -> Contact:
    """Save the changed fields of a contact; the audit names the fields, never their values."""
    allowed = {"name", "role", "email", "phone"}
    current = Contact.objects.get(pk=contact.pk)
    changed = [k for k, v in fields.items() if k in allowed and getattr(current, k) != (v or "").strip()]
    for key in allowed & fields.keys():
        setattr(contact, key, (fields[key] or "").strip())
    contact.full_clean()
    if changed:
        contact.save(update_fields=changed)
        audit.record(actor=actor, verb=audit.Verb.UPDATED, target=contact, fields=changed)
    return contact


@transaction.atomic
def remove_contact(contact: Contact, *, actor: Actor) -> None:
    audit.record(actor=actor, verb=audit.Verb.DELETED, target=contact, organisation=contact.organisation_id)
    contact.delete()


@transaction.atomic
def record_exchange(
    organisation: Organisation,
    *,
    happened_on: date,
    kind: str,
    summary: str,
    contact: Contact | None = None,
    actor: Actor,
) -> Exchange:
    if contact is not None and contact.organisation_id != organisation.pk:
        raise ValidationError({"contact": _("This contact belongs to another organisation.")})
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("An exchange is recorded once it has happened.")})
    exchange = Exchange(
        organisation=organisation,
        contact=contact,
        happened_on=happened_on,
        kind=kind,
        summary=summary.strip(),
        recorded_by=signed_in(actor),
    )
    exchange.full_clean()
    exchange.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=exchange, organisation=organisation.pk)
    return exchange


@transaction.atomic
def add_partner_agreement(
    partner: Organisation,
    *,
    purpose: str,
    starts_on: date,
    ends_on: date | None = None,
    signed_on: date | None = None,
    document_reference: str = "",
    actor: Actor,
) -> PartnerAgreement:
    if partner.is_company:
        raise ValidationError(_("Agreements with companies are managed under sponsorship."))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The agreement ends before it starts.")})
    agreement = PartnerAgreement(
        partner=partner,
        purpose=purpose.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=signed_on,
        document_reference=document_reference.strip(),
    )
    agreement.full_clean()
    agreement.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=agreement)
    return agreement


PARTNER_KINDS = (Organisation.Kind.NGO, Organisation.Kind.PUBLIC_INSTITUTION)


@transaction.atomic
def add_partner(*, name: str, kind: str, territory: Territory | None, actor: Actor) -> Organisation:
    """A new partner organisation (an NGO or a public institution) of a territory, or national."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the organisation's name.")]
    if kind not in PARTNER_KINDS:
        errors["kind"] = [_("A partner is an NGO or a public institution.")]
    if name and Organisation.objects.filter(kind__in=PARTNER_KINDS, territory=territory, name__iexact=name).exists():
        errors["name"] = [_("This partner already exists in the territory: open its page.")]
    if errors:
        raise ValidationError(errors)
    partner = Organisation.objects.create(name=name, slug=_unique_slug(name), kind=kind, territory=territory)
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=partner)
    return partner
