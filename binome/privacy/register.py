"""The processing register (GDPR art. 30) rendered from the inventory, with the consent versions."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q

from binome.lib import spreadsheets
from binome.privacy.inventory import RETENTION, Row, register_rows
from binome.sourcing.models import Consent, ConsentText

COLUMNS = ["model", "model_name", "field", "field_name", "category", "purpose", "legal_basis", "retention"]


@dataclass(frozen=True)
class ConsentVersion:
    version: str
    in_force_from: str
    consents: int
    withdrawn: int


def consent_versions() -> list[ConsentVersion]:

    counts: dict[int, Any] = {
        row["text_id"]: row
        for row in Consent.objects.values("text_id").annotate(
            total=Count("id"), withdrawn=Count("id", filter=Q(withdrawn_on__isnull=False))
        )
    }
    return [
        ConsentVersion(
            version=text.version,
            in_force_from=text.in_force_from.isoformat(),
            consents=counts.get(text.pk, {}).get("total", 0),
            withdrawn=counts.get(text.pk, {}).get("withdrawn", 0),
        )
        for text in ConsentText.objects.order_by("in_force_from", "pk")
    ]


def as_csv(rows: list[Row] | None = None) -> str:
    out = io.StringIO()
    writer = spreadsheets.DictWriter(out, fieldnames=COLUMNS)  # text never becomes a formula
    writer.writeheader()
    for row in rows if rows is not None else register_rows():
        writer.writerow(asdict(row))
    return out.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown() -> str:
    lines = ["# Processing register", "", "## Fields", ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for row in register_rows():
        lines.append("| " + " | ".join(_cell(str(value)) for value in asdict(row).values()) + " |")
    lines += ["", "## Retention", ""]
    for rule in RETENTION.values():
        applied = "applied by run_daily" if rule.applied_by_run_daily else "documented"
        lines.append(f"- **{rule.key}**: {rule.label} ({applied})")
    lines += ["", "## Consent texts", "", "| version | in force from | consents | withdrawn |", "|---|---|---|---|"]
    for version in consent_versions():
        lines.append(f"| {version.version} | {version.in_force_from} | {version.consents} | {version.withdrawn} |")
    return "\n".join(lines) + "\n"
