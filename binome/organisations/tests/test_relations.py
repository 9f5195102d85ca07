from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.audit.models import AuditEvent
from binome.organisations import selectors, services
from binome.organisations.models import CompanyRelation, Contact, Exchange, StageChange
from conftest import Cast

Stage = CompanyRelation.Stage
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_prospect_moves_through_the_pipeline_with_a_history(cast: Cast) -> None:
    relation = services.add_prospect(territory=cast.paris, name="Hôtel du Nord", actor=cast.amara)
    assert relation.stage == Stage.IDENTIFIED
    assert relation.company.territory == cast.paris
    for stage in [Stage.CONTACTED, Stage.MEETING, Stage.SIGNED]:
        services.move_company(relation.company, stage=stage, actor=cast.amara)
    relation.refresh_from_db()
    assert relation.stage == Stage.SIGNED
    assert list(relation.changes.order_by("at", "pk").values_list("to_stage", flat=True)) == [
        "identified",
        "contacted",
        "meeting",
        "signed",
    ]
    assert AuditEvent.objects.filter(verb="moved", target_id=str(relation.pk)).count() == 3


def test_losing_a_company_needs_a_reason_and_clears_the_next_action(cast: Cast) -> None:
    relation = services.add_prospect(
        territory=cast.paris, name="Transports Delorme", next_action="Call HR", actor=cast.amara
    )
    with pytest.raises(ValidationError) as error:
        services.move_company(relation.company, stage=Stage.LOST, lost_reason="  ", actor=cast.amara)
    assert error.value.message_dict == {"lost_reason": ["Say why this company was lost."]}
    relation.refresh_from_db()
    assert relation.stage == Stage.IDENTIFIED
    services.move_company(relation.company, stage=Stage.LOST, lost_reason="No budget this year", actor=cast.amara)
    relation.refresh_from_db()
    assert (relation.stage, relation.lost_reason, relation.next_action) == (Stage.LOST, "No budget this year", "")
    # A lost company can come back, and its old reason goes.
    services.move_company(relation.company, stage=Stage.CONTACTED, actor=cast.amara)
    relation.refresh_from_db()
    assert (relation.stage, relation.lost_reason) == (Stage.CONTACTED, "")


def test_the_database_refuses_a_lost_company_without_a_reason(cast: Cast) -> None:
    from django.db import IntegrityError, transaction

    relation = services.add_prospect(territory=cast.paris, name="Sans Raison", actor=cast.amara)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyRelation.objects.filter(pk=relation.pk).update(stage=Stage.LOST)


def test_a_company_already_in_the_territory_is_not_added_twice(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.add_prospect(territory=cast.paris, name="acme", actor=cast.amara)


@time_machine.travel(date(2026, 6, 10), tick=False)
def test_the_board_counts_per_stage_and_puts_overdue_next_actions_first(cast: Cast) -> None:
    soon = services.add_prospect(
        territory=cast.paris, name="B Soon", next_action_on=date(2026, 6, 20), actor=cast.amara
    )
    late = services.add_prospect(territory=cast.paris, name="C Late", next_action_on=date(2026, 6, 1), actor=cast.amara)
    services.add_prospect(territory=cast.paris, name="A None", actor=cast.amara)
    lost = services.add_prospect(territory=cast.paris, name="D Lost", actor=cast.amara)
    services.move_company(lost.company, stage=Stage.LOST, lost_reason="Closed", actor=cast.amara)
    services.add_prospect(territory=cast.lyon, name="Lyon Prospect", actor=cast.lucie)
    board = selectors.pipeline_board(cast.paris)
    counts = {c.stage: c.count for c in board.columns}
    assert counts == {"identified": 3, "contacted": 0, "meeting": 0, "signed": 0, "lost": 1}
    identified = next(c for c in board.columns if c.stage == "identified").relations
    assert [r.pk for r in identified][:2] == [late.pk, soon.pk]
    assert [r.pk for r in board.overdue] == [late.pk]
    assert board.untracked == 2  # Acme and Boulangerie Martin are not in the pipeline


def test_contacts_and_exchanges_are_recorded_with_who_acted(cast: Cast) -> None:
    contact = services.add_contact(
        cast.acme, name="Hélène Roux", role="DRH", email="helene@acme.test", phone="01 02", actor=cast.amara
    )
    exchange = services.record_exchange(
        cast.acme, happened_on=date(2026, 1, 5), kind="call", summary="Budget ok", contact=contact, actor=cast.amara
    )
    assert exchange.recorded_by == cast.amara
    assert AuditEvent.objects.filter(actor=cast.amara, verb="created", target_type="organisations.contact").exists()
    other = services.add_contact(cast.paris_ngo, name="Paul", actor=cast.amara)
    with pytest.raises(ValidationError):
        services.record_exchange(
            cast.acme, happened_on=date(2026, 1, 5), kind="call", summary="x", contact=other, actor=cast.amara
        )


def test_the_pipeline_board_page_shows_the_coordinators_territory(cast: Cast, client_for: Any) -> None:
    services.add_prospect(territory=cast.paris, name="Paris Prospect", actor=cast.amara)
    services.add_prospect(territory=cast.lyon, name="Lyon Prospect", actor=cast.lucie)
    page = client_for(cast.amara).get(reverse("organisations:relations"), **EN).content.decode()
    assert "Paris Prospect" in page
    assert "Lyon Prospect" not in page
    assert client_for(cast.amara).get(reverse("organisations:relations") + "?territory=lyon").status_code == 404
    admin = client_for(cast.nadia).get(reverse("organisations:relations") + "?territory=lyon", **EN).content.decode()
    assert "Lyon Prospect" in admin


def test_adding_a_prospect_from_the_board(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    response = client.post(
        reverse("organisations:relations"), {"territory": cast.paris.pk, "name": "Nouvelle SA", "next_action": "Email"}
    )
    relation = CompanyRelation.objects.get(company__name="Nouvelle SA")
    assert response.status_code == 302
    assert relation.next_action == "Email"
    # Another territory's id is not a choice for a Paris coordinator.
    refused = client.post(reverse("organisations:relations"), {"territory": cast.lyon.pk, "name": "Ailleurs"}, **EN)
    assert refused.status_code == 400
    assert not CompanyRelation.objects.filter(company__name="Ailleurs").exists()


def test_a_lyon_coordinator_gets_404_on_a_paris_company_relation(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.lucie)
    assert client.get(reverse("organisations:relation", args=[cast.acme.pk])).status_code == 404
    response = client.post(reverse("organisations:relation_contact", args=[cast.acme.pk]), {"name": "Intrus"})
    assert response.status_code == 404
    response = client.post(
        reverse("organisations:relation_move", args=[cast.acme.pk]), {"stage": "lost", "lost_reason": "x"}
    )
    assert response.status_code == 404
    assert not Contact.objects.exists()
    assert not CompanyRelation.objects.exists()


def test_forms_on_the_relation_page_re_render_with_their_errors(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    url = reverse("organisations:relation_move", args=[cast.acme.pk])
    response = client.post(url, {"stage": "lost", "lost_reason": ""}, **EN)
    assert response.status_code == 400
    assert "Say why this company was lost." in response.content.decode()
    assert not CompanyRelation.objects.exists()
    response = client.post(
        reverse("organisations:relation_contact", args=[cast.acme.pk]), {"email": "not-an-email"}, **EN
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    response = client.post(
        reverse("organisations:relation_exchange", args=[cast.acme.pk]),
        {"happened_on": "2099-01-01", "kind": "call", "summary": "Futur"},
        **EN,
    )
    assert response.status_code == 400
    assert "once it has happened" in response.content.decode()
    assert not Exchange.objects.exists()
    # And the happy paths.
    assert client.post(url, {"stage": "meeting", "next_action": "Send the offer"}).status_code == 302
    assert CompanyRelation.objects.get(company=cast.acme).stage == "meeting"
    assert StageChange.objects.filter(relation__company=cast.acme).count() == 1
    client.post(reverse("organisations:relation_contact", args=[cast.acme.pk]), {"name": "Hélène Roux", "role": "DRH"})
    contact = Contact.objects.get(organisation=cast.acme)
    client.post(
        reverse("organisations:relation_exchange", args=[cast.acme.pk]),
        {"happened_on": "2026-01-05", "kind": "meeting", "summary": "Premier rendez-vous", "contact": contact.pk},
    )
    page = client.get(reverse("organisations:relation", args=[cast.acme.pk]), **EN).content.decode()
    assert "Hélène Roux" in page
    assert "Premier rendez-vous" in page
    assert "Meeting" in page


def test_the_board_page_costs_the_same_queries_with_more_companies(
    cast: Cast, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        services.add_prospect(
            territory=cast.paris, name=f"Prospect {n}", next_action_on=date(2026, 1, n + 1), actor=None
        )
    client = client_for(cast.amara)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organisations:relations"))
    assert response.context["board"].total == 12


def test_a_contact_is_corrected_then_removed_and_both_are_audited(cast: Cast, client_for: Any) -> None:
    contact = services.add_contact(cast.acme, name="Hélène Roux", role="DRH", actor=cast.amara)
    exchange = services.record_exchange(
        cast.acme, happened_on=date(2026, 1, 5), kind="call", summary="Appel", contact=contact, actor=cast.amara
    )
    client = client_for(cast.amara)
    url = reverse("organisations:relation_contact_edit", args=[cast.acme.pk, contact.pk])
    bad = client.post(url, {"name": "Hélène Roux", "email": "pas-un-email"}, **EN)
    assert bad.status_code == 400
    contact.refresh_from_db()
    assert contact.email == ""
    assert client.post(url, {"name": "Hélène Roux", "role": "DRH groupe", "email": "h@acme.test"}).status_code == 302
    contact.refresh_from_db()
    assert (contact.role, contact.email) == ("DRH groupe", "h@acme.test")
    updated = AuditEvent.objects.get(verb="updated", target_type="organisations.contact", target_id=str(contact.pk))
    assert updated.actor == cast.amara
    assert sorted(updated.details["fields"]) == ["email", "role"]
    assert (
        client_for(cast.lucie)
        .post(reverse("organisations:relation_contact_remove", args=[cast.acme.pk, contact.pk]))
        .status_code
        == 404
    )
    client = client_for(cast.amara)
    assert (
        client.post(reverse("organisations:relation_contact_remove", args=[cast.acme.pk, contact.pk])).status_code
        == 302
    )
    assert not Contact.objects.filter(pk=contact.pk).exists()
    exchange.refresh_from_db()
    assert exchange.contact is None
    assert AuditEvent.objects.filter(
        verb="deleted", target_type="organisations.contact", target_id=str(contact.pk), actor=cast.amara
    ).exists()
