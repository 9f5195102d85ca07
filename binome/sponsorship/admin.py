"""Offers are set by national admins in the Django admin. Agreements, the ledger, invoices and
statements are written through the staff pages only (services), never here: the ledger is
append-only and its documents are numbered."""

from django.contrib import admin

from binome.sponsorship.models import Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contribution_per_seat_cents", "min_seats", "max_seats", "shared_cohorts", "active"]
    list_filter = ["kind", "active"]
