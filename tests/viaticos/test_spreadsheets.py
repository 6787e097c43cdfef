"""Exported cells cannot run as formulas (CSV/formula injection)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from viaticos.spreadsheets import Column, csv_bytes, safe_cell, xlsx_append, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Lucía Quispe", "OD-00001", "", Decimal("-5.00"), -3, dt.date(2026, 3, 1), None]
)
def test_other_values_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_csv_and_xlsx_write_text_cells_as_values():
    rows = [["=cmd|' /C calc'!A0", Decimal("1.50")]]
    content = csv_bytes(["a", "b"], rows)
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert parsed[1] == ["'=cmd|' /C calc'!A0", "1.50"]
    book = Workbook()
    xlsx_append(book.active, rows[0])
    out = io.BytesIO()
    book.save(out)
    cell = load_workbook(out).active["A1"]
    assert cell.data_type == "s" and cell.value == "'=cmd|' /C calc'!A0"


def test_csv_opens_in_columns_with_its_accents_in_excel_with_spanish_settings():
    """A byte-order mark (UTF-8) and `;` between cells; dates as the pages show them."""
    content = csv_bytes(["Persona", "Fecha"], [["Carlos Huamán", dt.date(2026, 3, 9)]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines() == ["Persona;Fecha", "Carlos Huamán;09/03/2026"]


def test_xlsx_has_real_dates_numbers_widths_and_bold_headers():
    columns = [Column("Fecha", 12, "date"), Column("Importe", 11, "money"), Column("Nota", 30)]
    content = xlsx_bytes("Hoja", columns, [[dt.date(2026, 3, 9), Decimal("1234.50"), "=1+1"]])
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == ["Fecha", "Importe", "Nota"] and sheet["A1"].font.b
    assert sheet["A2"].is_date and sheet["A2"].number_format == "dd/mm/yyyy"
    assert float(sheet["B2"].value) == 1234.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].data_type == "s" and sheet["C2"].value == "'=1+1"
    assert sheet.column_dimensions["C"].width == 30
