"""Sponsorship: offers, agreements, the contributions ledger, invoices and receipts, statements.

Names are `sponsorship:<name>`; every route needs a policy in binome/portals/tests/policies/sponsorship.py."""

from django.urls import URLPattern, path

from binome.portals.views import sponsorship

app_name = "sponsorship"

urlpatterns: list[URLPattern] = [
    path("staff/sponsorship/", sponsorship.overview, name="overview"),
    path("staff/sponsorship/offers/", sponsorship.offers, name="offers"),
    path("staff/sponsorship/agreements/new/", sponsorship.agreement_new, name="agreement_new"),
    path("staff/sponsorship/agreements/<int:pk>/", sponsorship.agreement, name="agreement"),
    path("staff/sponsorship/agreements/<int:pk>/status/", sponsorship.agreement_status, name="agreement_status"),
    path("staff/sponsorship/agreements/<int:pk>/renew/", sponsorship.agreement_renew, name="agreement_renew"),
    path("staff/sponsorship/agreements/<int:pk>/invoices/", sponsorship.invoice_new, name="invoice_new"),
    path("staff/sponsorship/invoices/<int:pk>/payments/", sponsorship.payment_new, name="payment_new"),
    path("staff/sponsorship/invoices/<int:pk>/pdf/", sponsorship.staff_invoice_pdf, name="invoice_pdf"),
    path("staff/sponsorship/receipts/<int:pk>/pdf/", sponsorship.staff_receipt_pdf, name="receipt_pdf"),
    path("staff/sponsorship/entries/<int:pk>/reverse/", sponsorship.entry_reverse, name="entry_reverse"),
    path("staff/sponsorship/ledger.xlsx", sponsorship.ledger_xlsx, name="ledger_xlsx"),
    path("staff/sponsorship/statements/", sponsorship.statements, name="statements"),
    path("staff/sponsorship/statements/<int:pk>/", sponsorship.statement, name="statement"),
    path("staff/sponsorship/companies/<int:pk>/hours/", sponsorship.company_hours, name="company_hours"),
    path("staff/sponsorship/statements/<int:pk>/approve/", sponsorship.statement_approve, name="statement_approve"),
    path("staff/sponsorship/statements/<int:pk>/pdf/", sponsorship.staff_statement_pdf, name="statement_pdf"),
    path("company/agreements/<int:pk>/", sponsorship.company_agreement, name="company_agreement"),
    path("company/invoices/<int:pk>/pdf/", sponsorship.company_invoice_pdf, name="company_invoice_pdf"),
    path("company/receipts/<int:pk>/pdf/", sponsorship.company_receipt_pdf, name="company_receipt_pdf"),
    path("company/statements/<int:pk>/pdf/", sponsorship.company_statement_pdf, name="company_statement_pdf"),
    path("company/<int:pk>/hourly-cost/", sponsorship.company_hourly_cost, name="company_hourly_cost"),
]
