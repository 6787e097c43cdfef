"""The journal and the trial balance as files an accounting system imports (SPEC §2.5).

Journal layout, one row per entry line (README, "Para contabilidad"): CSV in UTF-8 with a
byte-order mark, `;` separated, amounts with a decimal point and two places, dates
YYYY-MM-DD; the XLSX has the same columns (amounts as numbers, dates as dates)."""

from __future__ import annotations

from books.selectors import document_of
from viaticos import spreadsheets

Column = spreadsheets.Column

JOURNAL_COLUMNS = (
    Column("asiento", 10),
    Column("fecha", 12, "date"),
    Column("tipo", 18),
    Column("documento", 16),
    Column("descripcion", 40),
    Column("cuenta", 10),
    Column("nombre_cuenta", 30),
    Column("debe", 14, "money"),
    Column("haber", 14, "money"),
    Column("proyecto", 12),
    Column("linea_presupuestal", 16),
    Column("categoria", 16),
    Column("viajero", 16),
    Column("revierte_a", 10),
)
TRIAL_COLUMNS = (
    Column("cuenta", 10),
    Column("nombre_cuenta", 30),
    Column("debe", 14, "money"),
    Column("haber", 14, "money"),
    Column("saldo", 14, "money"),
)


def journal_rows(entries, *, as_text: bool) -> list[list]:
    rows = []
    for entry in entries:
        document = document_of(entry)
        for line in entry.lines.all():
            amounts = (line.debit, line.credit)
            rows.append(
                [
                    entry.number,
                    entry.date.isoformat() if as_text else entry.date,
                    entry.kind,
                    document.label,
                    entry.description,
                    line.account.code,
                    line.account.name,
                    *(f"{a:.2f}" if as_text else a for a in amounts),
                    line.project.code if line.project_id else "",
                    line.budget_line.code if line.budget_line_id else "",
                    line.category,
                    line.traveler.get_username() if line.traveler_id else "",
                    entry.reverses.number if entry.reverses_id else "",
                ]
            )
    return rows


def trial_rows(rows, *, as_text: bool) -> list[list]:
    def money(value):
        return f"{value:.2f}" if as_text else value

    return [[r.code, r.name, money(r.debit), money(r.credit), money(r.balance)] for r in rows]


def to_csv(columns, rows) -> bytes:
    return spreadsheets.csv_bytes([c.header for c in columns], rows)


def to_xlsx(columns, rows, *, title: str) -> bytes:
    """Headers as the CSV's, real dates and numbers, column widths (viaticos.spreadsheets)."""
    return spreadsheets.xlsx_bytes(title, columns, rows)
