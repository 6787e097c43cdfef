"""Cells of exported spreadsheets (CSV, XLSX) that a spreadsheet program cannot run.

A text a person typed (a name rectified to `=HYPERLINK("http://…"&D2, …)`) must reach the
payroll office as text, not as a formula (CSV/formula injection, OWASP): a text cell starting
with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, and XLSX text
cells are written as strings, never as formulas. Numbers and dates are left as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ",", bom: bool = False
) -> bytes:
    """`bom`: a UTF-8 byte-order mark first, so that Excel reads the accents right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" if bom else "").encode("utf-8") + out.getvalue().encode("utf-8")


def xlsx_append(sheet, row: Sequence) -> None:
    """Append a row whose text cells are strings (data type "s"), never formulas."""
    sheet.append(safe_row(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
