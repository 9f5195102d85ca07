"""Pages of the sponsorship area; every route needs a policy in binome/portals/tests/policies/sponsorship.py."""

from django.urls import path

from binome.portals.views import sponsorship as views

urlpatterns = [
    path("staff/sponsorship/", views.overview, name="staff_sponsorship"),
    path("staff/sponsorship/offers/", views.offers, name="staff_offers"),
    path("staff/sponsorship/agreements/new/", views.agreement_new, name="staff_agreement_new"),
    path("staff/sponsorship/agreements/<int:pk>/", views.agreement, name="staff_agreement"),
    path("staff/sponsorship/agreements/<int:pk>/status/", views.agreement_status, name="staff_agreement_status"),
    path("staff/sponsorship/agreements/<int:pk>/renew/", views.agreement_renew, name="staff_agreement_renew"),
    path("staff/sponsorship/agreements/<int:pk>/invoices/", views.invoice_new, name="staff_invoice_new"),
    path("staff/sponsorship/invoices/<int:pk>/payments/", views.payment_new, name="staff_payment_new"),
    path("staff/sponsorship/invoices/<int:pk>/pdf/", views.staff_invoice_pdf, name="staff_invoice_pdf"),
    path("staff/sponsorship/receipts/<int:pk>/pdf/", views.staff_receipt_pdf, name="staff_receipt_pdf"),
    path("staff/sponsorship/entries/<int:pk>/reverse/", views.entry_reverse, name="staff_entry_reverse"),
    path("staff/sponsorship/ledger.xlsx", views.ledger_xlsx, name="staff_ledger_xlsx"),
    path("staff/sponsorship/statements/", views.statements, name="staff_statements"),
    path("staff/sponsorship/statements/<int:pk>/", views.statement, name="staff_statement"),
    path("staff/sponsorship/statements/<int:pk>/approve/", views.statement_approve, name="staff_statement_approve"),
    path("staff/sponsorship/statements/<int:pk>/pdf/", views.staff_statement_pdf, name="staff_statement_pdf"),
    path("company/agreements/<int:pk>/", views.company_agreement, name="company_agreement"),
    path("company/invoices/<int:pk>/pdf/", views.company_invoice_pdf, name="company_invoice_pdf"),
    path("company/receipts/<int:pk>/pdf/", views.company_receipt_pdf, name="company_receipt_pdf"),
    path("company/statements/<int:pk>/pdf/", views.company_statement_pdf, name="company_statement_pdf"),
    path("company/<int:pk>/hourly-cost/", views.company_hourly_cost, name="company_hourly_cost"),
]
