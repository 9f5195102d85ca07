"""Twenty invoices issued at the same moment get twenty consecutive numbers, with no gap and no
duplicate: the per-year counter row is locked (SELECT ... FOR UPDATE) by the transaction that
issues the invoice. Runs on PostgreSQL; SQLite serialises writers, so the race cannot occur."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from binome.sponsorship import services
from binome.sponsorship.models import Agreement, Invoice
from binome.sponsorship.tests.helpers import signed_agreement
from conftest import APPS_BUT_REFERENCE, Cast

# Flush every table but the reference data after the test: other tests on this worker need it.

pytestmark = pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_REFERENCE)

THREADS = 20


def test_twenty_invoices_issued_at_once_get_twenty_consecutive_numbers(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's concurrent transactions")
    # One agreement per thread, so that only the counter row is shared between them.
    agreements = [
        signed_agreement(cast.acme, starts_on=date(2000 + n, 1, 1), ends_on=date(2000 + n, 12, 31))
        for n in range(THREADS)
    ]
    services.issue_invoice(agreements[0], amount_cents=100, issued_on=date(2026, 1, 2), actor=None)  # number 1

    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def issue(agreement: Agreement) -> None:
        try:
            barrier.wait(timeout=30)
            services.issue_invoice(agreement, amount_cents=10_000, issued_on=date(2026, 5, 4), actor=None)
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(agreement,)) for agreement in agreements]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    sequences = sorted(Invoice.objects.filter(year=2026).values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS + 2))
