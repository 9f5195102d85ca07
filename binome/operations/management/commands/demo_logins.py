from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from binome.accounts.models import Role
from binome.operations.demo.data import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo accounts that exist in this database."

    def handle(self, *args: Any, **options: Any) -> None:
        roles = Role.objects.filter(user__email__endswith="@demo.binome.fr").select_related("user").order_by("pk")
        if not settings.DEMO_MODE or not roles:
            self.stdout.write("no demo accounts in this database")
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role in roles:
            self.stdout.write(
                f"  {role.user.email:32} {role.get_kind_display()} {role.territory or role.organisation or ''}"
            )
