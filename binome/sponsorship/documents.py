"""Documents of the sponsorship app: invoices, receipts and statements as PDF (WeasyPrint), the
ledger as XLSX for the accountant (openpyxl)."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.organisations.models import Organisation
from binome.sponsorship import selectors
from binome.sponsorship.models import Agreement, Invoice, Receipt, Statement

ISSUER = "Binôme"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a second, most requests never need it

    html = render_to_string(template, {"issuer": ISSUER, **context})
    return HTML(string=html).write_pdf()


def invoice_pdf(invoice: Invoice) -> bytes:
    return render_pdf(
        "portals/sponsorship/pdf/invoice.html",
        {"invoice": invoice, "agreement": invoice.agreement, "company": invoice.agreement.company},
    )


def receipt_pdf(receipt: Receipt) -> bytes:
    entry = receipt.entry
    return render_pdf(
        "portals/sponsorship/pdf/receipt.html",
        {"receipt": receipt, "entry": entry, "invoice": entry.invoice, "company": entry.agreement.company},
    )


def statement_pdf(statement: Statement) -> bytes:
    return render_pdf(
        "portals/sponsorship/pdf/statement.html",
        {"statement": statement, "figures": selectors.statement_figures(statement), "company": statement.company},
    )


def ledger_xlsx(agreements: QuerySet[Agreement], companies: QuerySet[Organisation]) -> bytes:
    """One sheet of entries, one of balances per company. Amounts in euros with two decimals."""
    from binome.lib.spreadsheets import workbook

    book = workbook()  # text cells never become formulas (a company named "=HYPERLINK(…)")
    entries = book.active
    entries.title = _("Entries")[:31]
    entries.append(
        [
            _("Date"),
            _("Company"),
            _("Agreement"),
            _("Kind"),
            _("Amount (€)"),
            _("Invoice"),
            _("Receipt"),
            _("Reverses entry"),
            _("Entry"),
            _("Note"),
        ]
    )
    for entry in selectors.ledger_of(agreements):
        receipt = getattr(entry, "receipt", None)
        entries.append(
            [
                entry.on,
                entry.agreement.company.name,
                entry.agreement_id,
                entry.get_kind_display(),
                entry.amount_cents / 100,
                entry.invoice.number if entry.invoice else "",
                receipt.number if receipt else "",
                entry.reverses_id or "",
                entry.pk,
                entry.note,
            ]
        )
    for cell in entries["E"][1:]:
        cell.number_format = "#,##0.00"
    for cell in entries["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    balances = book.create_sheet(_("Balances")[:31])
    balances.append(
        [_("Company"), _("Pledged (€)"), _("Invoiced (€)"), _("Paid (€)"), _("Outstanding (€)"), _("Balance (€)")]
    )
    for company, t in selectors.balances_by_company(companies):
        balances.append(
            [company.name, t.pledged / 100, t.invoiced / 100, t.paid / 100, t.outstanding / 100, t.balance / 100]
        )
    for column in "BCDEF":
        for cell in balances[column][1:]:
            cell.number_format = "#,##0.00"
    balances.append([])
    balances.append([_("Exported on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
