"""Issue 20, lists: the General Accountant's worklist of advances pending settlement (the
dashboard's list) can be searched and filtered, the filters kept across pages and bars, and
exported (CSV for Excel, XLSX)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
URL = "/contabilidad/plazos/"


@pytest.fixture
def outstanding(returned_mission, other_traveler):
    other_traveler.first_name, other_traveler.last_name = "Rosa", "Quispe"
    other_traveler.save()
    return returned_mission(), returned_mission(other_traveler)


def _advances(response):
    return [d.advance.pk for d in response.context["rows"]]


def test_the_worklist_is_searched_and_filtered(client, accountant, outstanding):
    lucia, rosa = outstanding
    client.force_login(accountant)

    assert sorted(_advances(client.get(URL))) == sorted(
        [lucia.advances.get().pk, rosa.advances.get().pk]
    )
    response = client.get(URL, {"q": "quispe"})
    assert _advances(response) == [rosa.advances.get().pk]
    assert response.context["total"] == rosa.advances.get().amount  # the chart follows
    text = response.content.decode()
    assert "?q=quispe&amp;bucket=" in text  # the bars keep the search
    assert _advances(client.get(URL, {"returned_from": "2099-01-01"})) == []


def test_the_worklist_exports_with_its_filters(client, accountant, outstanding):
    lucia, rosa = outstanding
    client.force_login(accountant)

    response = client.get(URL, {"export": "csv", "q": "quispe"})
    assert 'filename="anticipos-por-liquidar-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Anticipo", "Misión", "Viajero"]
    assert [row[0] for row in rows[1:]] == [rosa.advances.get().code]

    sheet = load_workbook(io.BytesIO(client.get(URL, {"export": "xlsx"}).content)).active
    assert sheet.max_row == 3 and sheet["E2"].is_date
    assert float(sheet["H2"].value) == 450.0


def test_only_accounting_and_audit_export_the_worklist(client, traveler, outstanding):
    client.force_login(traveler)
    assert client.get(URL, {"export": "csv"}).status_code == 403
