"""Issue 20, lists: *Mis liquidaciones* and the accounting inbox can be searched, filtered,
sorted and exported (settlements and their receipts, CSV for Excel and XLSX); the filters are
kept across pages; an export holds only what the role may see."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from missions.models import Advance
from settlements.models import Settlement
from tests.settlements.conftest import receipt_fields


def _aside(settlement):
    """The settlement's advance no longer pending (R-3.11a), so its traveler can have another."""
    Advance.objects.filter(pk=settlement.advance_id).update(status=Advance.Status.SETTLED)
    return settlement


@pytest.fixture
def draft(draft):
    return lambda user=None: _aside(draft(user))


@pytest.fixture
def submitted(submitted):
    return lambda user=None, receipts=(): _aside(submitted(user, receipts=receipts))


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_my_settlements_filter_by_status_and_search_by_code(client, traveler, draft, submitted):
    sent = submitted()
    started = draft()
    client.force_login(traveler)

    page = client.get("/liquidaciones/", {"status": "submitted"}).content.decode()
    assert sent.code in page and started.code not in page

    page = client.get("/liquidaciones/", {"q": started.code}).content.decode()
    assert started.code in page and sent.code not in page

    page = client.get("/liquidaciones/", {"q": "nothing-like-it"}).content.decode()
    assert "Ninguna liquidación coincide con estos filtros." in page


def test_my_settlements_sort_by_balance(client, traveler, draft):
    first, second = draft(), draft()
    Settlement.objects.filter(pk=first.pk).update(balance=Decimal("-20.00"))
    Settlement.objects.filter(pk=second.pk).update(balance=Decimal("15.00"))
    client.force_login(traveler)

    rows = client.get("/liquidaciones/", {"order": "-balance"}).context["settlements"]
    assert [s.pk for s in rows] == [second.pk, first.pk]
    rows = client.get("/liquidaciones/", {"order": "balance"}).context["settlements"]
    assert [s.pk for s in rows] == [first.pk, second.pk]


def test_filters_are_kept_across_pages_of_the_inbox(client, accountant, submitted, monkeypatch):
    from viaticos import pagination

    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    submitted(), submitted()
    client.force_login(accountant)
    page = client.get("/liquidaciones/bandeja/", {"status": "submitted", "q": "a"})
    assert "?status=submitted&amp;q=a&amp;page=2#to-receive" in page.content.decode()


def test_inbox_search_by_traveler_name(client, accountant, submitted, other_traveler):
    other_traveler.first_name, other_traveler.last_name = "Rosa", "Quispe"
    other_traveler.save()
    rosa = submitted(other_traveler)
    lucia = submitted()
    client.force_login(accountant)

    response = client.get("/liquidaciones/bandeja/", {"q": "quispe"})
    assert [s.pk for s in response.context["to_receive"]] == [rosa.pk]
    assert lucia.code not in response.content.decode()


def test_my_settlements_csv_holds_only_mine(client, traveler, other_traveler, submitted):
    mine = submitted()
    theirs = submitted(other_traveler)
    client.force_login(traveler)

    rows = _csv(client.get("/liquidaciones/", {"export": "csv"}))

    assert rows[0][:5] == ["Liquidación", "Misión", "Viajero", "Proyecto", "Estado"]
    assert [row[0] for row in rows[1:]] == [mine.code]
    assert theirs.code not in {row[0] for row in rows}
    assert rows[1][10] == f"{mine.balance:.2f}"


def test_my_receipts_export_holds_only_my_receipts(client, traveler, other_traveler, submitted):
    submitted(receipts=[receipt_fields(issuer_name="=HYPERLINK(1)", number="F001-1")])
    submitted(other_traveler, receipts=[receipt_fields(number="F999-9")])
    client.force_login(traveler)

    rows = _csv(client.get("/liquidaciones/", {"export": "receipts-csv"}))

    assert rows[0][3] == "Fecha" and rows[0][11] == "Importe (USD)"
    assert [row[8] for row in rows[1:]] == ["F001-1"]
    assert rows[1][6] == "'=HYPERLINK(1)"  # neutralized against formulas
    assert rows[1][3] == "03/03/2026" and rows[1][10] == "35.00"


def test_inbox_xlsx_exports_settlements_and_receipts_with_real_dates_and_numbers(
    client, accountant, submitted
):
    sent = submitted()
    client.force_login(accountant)

    response = client.get("/liquidaciones/bandeja/", {"export": "xlsx", "status": "submitted"})
    assert 'filename="liquidaciones-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Liquidación" and sheet["A2"].value == sent.code
    assert sheet["G2"].is_date and isinstance(sheet["K2"].value, int | float)

    response = client.get("/liquidaciones/bandeja/", {"export": "receipts-xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == sent.code and sheet["D2"].is_date
    assert float(sheet["K2"].value) == 35.0


def test_the_inbox_export_is_for_accounting_only(client, traveler, submitted):
    submitted()
    client.force_login(traveler)
    assert client.get("/liquidaciones/bandeja/", {"export": "csv"}).status_code == 404


def test_settlement_lists_stay_within_their_query_budget(
    client, traveler, accountant, submitted, django_assert_max_num_queries
):
    for _ in range(3):
        submitted()
    client.force_login(traveler)
    with django_assert_max_num_queries(12):
        client.get("/liquidaciones/", {"q": "a", "status": "submitted", "order": "-balance"})
    client.force_login(accountant)
    with django_assert_max_num_queries(12):
        client.get("/liquidaciones/bandeja/", {"q": "a", "balance_min": "-1000"})
    with django_assert_max_num_queries(12):
        client.get("/liquidaciones/bandeja/", {"export": "receipts-csv"})


def test_the_settlements_api_takes_the_list_filters(api_client, traveler, draft, submitted):
    sent = submitted()
    started = draft()
    api_client.force_authenticate(traveler)

    found = api_client.get("/api/v1/settlements/", {"status": "submitted"}).json()
    assert [row["id"] for row in found["results"]] == [sent.pk]
    found = api_client.get("/api/v1/settlements/", {"q": started.code}).json()
    assert [row["id"] for row in found["results"]] == [started.pk]
    assert api_client.get("/api/v1/settlements/", {"status": "bogus"}).status_code == 400
