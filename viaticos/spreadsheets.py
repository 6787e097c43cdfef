"""Cells of exported spreadsheets (CSV, XLSX) that a spreadsheet program cannot run.

A text a person typed (a name rectified to `=HYPERLINK("http://…"&D2, …)`) must reach the
payroll office as text, not as a formula (CSV/formula injection, OWASP): a text cell starting
with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, and XLSX text
cells are written as strings, never as formulas. Numbers and dates are left as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


def _csv_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark and `;` between cells: Excel with Peruvian (Spanish) settings
    opens it in columns and with its accents ("Huamán", not "HuamÃ¡n"); dates dd/mm/yyyy,
    amounts with two decimals and a point, as the pages show them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(_csv_value(value) for value in row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class Column:
    """One column of an export: its Spanish header, its width (characters) and what it holds
    ("text", "date", "datetime", "money" or "int"), which sets the cell's number format."""

    header: str
    width: int = 14
    kind: str = "text"


FORMATS = {"date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm", "money": "#,##0.00", "int": "0"}


def xlsx_bytes(title: str, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> bytes:
    """A workbook of one sheet: bold headers, real dates and numbers, column widths, the header
    row frozen; text cells as strings, never formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    xlsx_append(sheet, [c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = []
        for value in row:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                from django.utils import timezone

                value = timezone.localtime(value).replace(tzinfo=None)
            values.append(value)
        xlsx_append(sheet, values)
        for column, cell in zip(columns, sheet[sheet.max_row], strict=False):
            if column.kind in FORMATS and cell.value is not None:
                cell.number_format = FORMATS[column.kind]
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_append(sheet: Any, row: Sequence[object]) -> None:  # an openpyxl Worksheet (untyped)
    """Append a row whose text cells are strings (data type "s"), never formulas."""
    sheet.append(safe_row(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def export_kind(request: HttpRequest, key: str = "") -> str | None:
    """ "csv" or "xlsx" when the list page is asked for that export: `?export=csv`, or for a
    second export of the same page (its receipts, say) `?export=<key>-csv`."""
    asked = request.GET.get("export", "")
    prefix = f"{key}-" if key else ""
    kind = asked.removeprefix(prefix) if asked.startswith(prefix) else ""
    return kind if kind in ("csv", "xlsx") else None


def export_response(
    request: HttpRequest,
    *,
    basename: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]] | Callable[[], Iterable[Sequence[object]]],
    key: str = "",
) -> HttpResponse | None:
    """`?export=csv` or `?export=xlsx` on a list page: the whole filtered list (no paging) as a
    download named after the list and the day; None when no export is asked for. `rows` may be
    a callable, then only called for an export."""
    from django.http import HttpResponse
    from django.utils import timezone

    kind = export_kind(request, key)
    if kind is None:
        return None
    if callable(rows):
        rows = rows()
    name = f"{basename}-{timezone.localdate():%Y-%m-%d}.{kind}"
    if kind == "csv":
        content = csv_bytes([c.header for c in columns], rows)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    else:
        content = xlsx_bytes(title, columns, rows)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
