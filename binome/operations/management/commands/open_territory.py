"""`python manage.py open_territory --name Tours --slug tours --centre Tours --coordinator a@b.fr`"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from binome.cohorts.models import ProgrammeTemplate
from binome.lib.forms import record_id
from binome.operations.services import open_territory
from binome.reference.models import Place, normalise_for_search


def find_place(text: str) -> Place:
    """A GeoNames id, or a town's name (the most populous of that name)."""
    text = text.strip()
    if (place_id := record_id(text)) is not None:
        place = Place.objects.filter(pk=place_id).first()
    else:
        place = Place.objects.filter(search_name=normalise_for_search(text)).order_by("-population").first()
    if place is None:
        raise CommandError(f"Unknown place “{text}”: give a French town's name or its GeoNames id.")
    return place


class Command(BaseCommand):
    help = "Open a new territory: rules copied from the national default, a programme template, coordinators."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--centre", required=True, help="A town's name or its GeoNames id.")
        parser.add_argument("--radius", type=int, default=40, help="Radius in km (default 40).")
        parser.add_argument("--coordinator", action="append", required=True, help="Email; repeat for several.")
        parser.add_argument("--template", help="Name of a national programme template (default: the default one).")

    def handle(self, *args: Any, **options: Any) -> None:
        centre = find_place(options["centre"])
        template = None
        if options["template"]:
            template = ProgrammeTemplate.objects.filter(name=options["template"], territory=None).first()
            if template is None:
                raise CommandError(f"Unknown national programme template “{options['template']}”.")
        try:
            opened = open_territory(
                name=options["name"],
                slug=options["slug"],
                centre=centre,
                radius_km=options["radius"],
                coordinator_emails=options["coordinator"],
                template=template,
                actor=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        territory = opened.territory
        self.stdout.write(f"Opened {territory.name} ({territory.slug}), centred on {territory.centre}.")
        for user in opened.coordinators:
            new = " (new account: an email to choose the password is queued)" if user in opened.new_users else ""
            self.stdout.write(f"  coordinator: {user.email}{new}")
        for user in opened.invited:
            self.stdout.write(
                f"  invitation sent to {user.email}: this account's address was never verified, so the"
                " coordinator role is granted only once they follow the link in that email"
            )
        if opened.template is not None:
            self.stdout.write(f"  programme template: {opened.template.name}")
        self.stdout.write("Still to do:")
        for item in opened.checklist:
            self.stdout.write(f"  [{'x' if item.done else ' '}] {item.label} ({item.count})")
