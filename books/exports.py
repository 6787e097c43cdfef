"""The journal and the trial balance as files an accounting system imports (SPEC §2.5).

Journal layout, one row per entry line (README, "Para contabilidad"): CSV in UTF-8 with a
byte-order mark, `;` separated, amounts with a decimal point and two places, dates
YYYY-MM-DD; the XLSX has the same columns (amounts as numbers, dates as dates)."""

from __future__ import annotations

import io

from books.selectors import document_of
from viaticos import spreadsheets

JOURNAL_COLUMNS = (
    "asiento",
    "fecha",
    "tipo",
    "documento",
    "descripcion",
    "cuenta",
    "nombre_cuenta",
    "debe",
    "haber",
    "proyecto",
    "linea_presupuestal",
    "categoria",
    "viajero",
    "revierte_a",
)
TRIAL_COLUMNS = ("cuenta", "nombre_cuenta", "debe", "haber", "saldo")


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
    return spreadsheets.csv_bytes(columns, rows)


def to_xlsx(columns, rows, *, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    spreadsheets.xlsx_append(sheet, list(columns))
    for row in rows:
        spreadsheets.xlsx_append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
