"""Spreadsheet import of referrals (CSV, XLSX), shared by the `import_referrals` command and the staff page."""

from binome.sourcing.importing.service import ImportResult, RowError, RowOutcome, import_referrals
from binome.sourcing.importing.template import template_bytes

__all__ = ["ImportResult", "RowError", "RowOutcome", "import_referrals", "template_bytes"]
