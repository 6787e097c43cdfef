"""Issue 20, lists: sanctions can be searched, filtered, sorted and exported (CSV for Excel,
XLSX) on the sanctions page and filtered on the API; a traveler sees and exports only their own."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from deadlines.models import Sanction

pytestmark = pytest.mark.django_db
URL = "/sanciones/"


@pytest.fixture
def recorded(traveler, other_traveler):
    other_traveler.first_name, other_traveler.last_name = "Rosa", "Quispe"
    other_traveler.save()

    def make(person, kind, state, amount, day, reason="Anticipo no liquidado."):
        return Sanction.objects.create(
            person=person,
            kind=kind,
            rule=Sanction.RULES[kind],
            state=state,
            amount=amount,
            reason=reason,
            proposed_on=day,
        )

    K, S = Sanction.Kind, Sanction.State
    return [
        make(traveler, K.PAYROLL_DEDUCTION, S.PROPOSED, Decimal("450.00"), dt.date(2026, 3, 23)),
        make(traveler, K.UNDUE_PER_DIEM, S.APPLIED, Decimal("33.00"), dt.date(2026, 2, 2)),
        make(other_traveler, K.NO_SHOW, S.PROPOSED, Decimal("120.00"), dt.date(2026, 3, 1), "=1+1"),
    ]


def _codes(response):
    return [s.code for s in response.context["page_obj"]]


def test_the_accountant_searches_filters_and_sorts_every_sanction(client, accountant, recorded):
    lucia_deduction, lucia_undue, rosa = recorded
    client.force_login(accountant)

    assert _codes(client.get(URL)) == [lucia_deduction.code, rosa.code, lucia_undue.code]
    assert _codes(client.get(URL, {"q": "quispe"})) == [rosa.code]
    assert _codes(client.get(URL, {"q": lucia_undue.code})) == [lucia_undue.code]
    assert _codes(client.get(URL, {"state": "applied"})) == [lucia_undue.code]
    assert _codes(client.get(URL, {"kind": "no_show"})) == [rosa.code]
    assert _codes(client.get(URL, {"amount_min": "100", "amount_max": "200"})) == [rosa.code]
    assert _codes(client.get(URL, {"proposed_to": "2026-03-01"})) == [rosa.code, lucia_undue.code]
    assert _codes(client.get(URL, {"order": "amount"})) == [
        lucia_undue.code,
        rosa.code,
        lucia_deduction.code,
    ]


def test_a_traveler_lists_and_exports_only_their_own(client, traveler, recorded):
    lucia_deduction, lucia_undue, rosa = recorded
    client.force_login(traveler)

    assert _codes(client.get(URL)) == [lucia_deduction.code, lucia_undue.code]
    assert _codes(client.get(URL, {"q": rosa.code})) == []
    response = client.get(URL, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Sanción", "Tipo", "Persona"]
    assert [row[0] for row in rows[1:]] == [lucia_deduction.code, lucia_undue.code]


def test_exports_have_spanish_headers_real_numbers_and_no_formulas(client, accountant, recorded):
    client.force_login(accountant)

    response = client.get(URL, {"export": "csv", "kind": "no_show"})
    assert 'filename="sanciones-' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][6] == "120.00" and rows[1][9] == "01/03/2026" and rows[1][12] == "'=1+1"

    response = client.get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Sanción" and sheet["J2"].is_date
    assert float(sheet["G2"].value) == 450.0
    assert sheet["M3"].value == "'=1+1" and sheet["M3"].data_type == "s"


def test_filters_are_kept_across_pages(client, accountant, recorded, monkeypatch):
    from viaticos import pagination

    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    client.force_login(accountant)
    page = client.get(URL, {"state": "proposed", "order": "-amount"}).content.decode()
    assert "?state=proposed&amp;order=-amount&amp;page=2" in page


def test_the_sanctions_api_takes_the_same_filters(api_client, accountant, traveler, recorded):
    lucia_deduction, lucia_undue, rosa = recorded
    api_client.force_authenticate(accountant)
    found = api_client.get("/api/v1/sanctions/", {"q": "quispe"}).json()
    assert [s["id"] for s in found] == [rosa.pk]
    assert api_client.get("/api/v1/sanctions/", {"order": "bogus"}).status_code == 400
    api_client.force_authenticate(traveler)
    found = api_client.get("/api/v1/sanctions/", {"state": "proposed"}).json()
    assert [s["id"] for s in found] == [lucia_deduction.pk]
