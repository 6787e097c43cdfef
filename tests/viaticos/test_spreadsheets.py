"""Exported cells cannot run as formulas (CSV/formula injection)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from viaticos.spreadsheets import csv_bytes, safe_cell, xlsx_append


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
    parsed = list(csv.reader(io.StringIO(csv_bytes(["a", "b"], rows).decode())))
    assert parsed[1] == ["'=cmd|' /C calc'!A0", "1.50"]
    book = Workbook()
    xlsx_append(book.active, rows[0])
    out = io.BytesIO()
    book.save(out)
    cell = load_workbook(out).active["A1"]
    assert cell.data_type == "s" and cell.value == "'=cmd|' /C calc'!A0"
