"""Issue 20, lists: Treasury's queue of advances can be searched, filtered, sorted and exported
(CSV for Excel, XLSX), kept across pages; only Treasury gets it."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from missions.models import Advance

URL = "/tesoreria/desembolsos/"


def _two(signed_advance, other_traveler):
    other_traveler.first_name, other_traveler.last_name = "Rosa", "Quispe"
    other_traveler.save()
    lucia, rosa = signed_advance(), signed_advance(other_traveler)
    Advance.objects.filter(pk=rosa.pk).update(amount=Decimal("900.00"))
    return lucia, rosa


def test_the_queue_is_searched_by_payee_and_code_and_filtered_by_amount(
    client, treasurer, signed_advance, other_traveler
):
    lucia, rosa = _two(signed_advance, other_traveler)
    client.force_login(treasurer)

    found = client.get(URL, {"q": "quispe"}).context["advances"]
    assert [a.pk for a in found] == [rosa.pk]
    found = client.get(URL, {"q": lucia.code}).context["advances"]
    assert [a.pk for a in found] == [lucia.pk]
    found = client.get(URL, {"amount_min": "500"}).context["advances"]
    assert [a.pk for a in found] == [rosa.pk]
    found = client.get(URL, {"q": "salvador", "status": "signed"}).context["advances"]
    assert {a.pk for a in found} == {lucia.pk, rosa.pk}
    page = client.get(URL, {"status": "return_due"}).content.decode()
    assert "Ningún anticipo coincide con estos filtros." in page


def test_the_queue_sorts_by_amount(client, treasurer, signed_advance, other_traveler):
    lucia, rosa = _two(signed_advance, other_traveler)
    client.force_login(treasurer)

    found = client.get(URL, {"order": "-amount"}).context["advances"]
    assert [a.pk for a in found] == [rosa.pk, lucia.pk]
    found = client.get(URL, {"order": "amount"}).context["advances"]
    assert [a.pk for a in found] == [lucia.pk, rosa.pk]


def test_filters_are_kept_across_pages(
    client, treasurer, signed_advance, other_traveler, monkeypatch
):
    from viaticos import pagination

    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    _two(signed_advance, other_traveler)
    client.force_login(treasurer)
    page = client.get(URL, {"status": "signed", "order": "amount"}).content.decode()
    assert "?status=signed&amp;order=amount&amp;page=2" in page


def test_csv_and_xlsx_exports_of_the_filtered_queue(
    client, treasurer, signed_advance, other_traveler, django_assert_max_num_queries
):
    lucia, rosa = _two(signed_advance, other_traveler)
    client.force_login(treasurer)

    with django_assert_max_num_queries(12):
        response = client.get(URL, {"export": "csv", "amount_max": "500"})
    assert 'filename="anticipos-' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Anticipo", "Misión", "Viajero", "Proyecto"]
    assert [row[0] for row in rows[1:]] == [lucia.code]
    assert rows[1][7] == f"{lucia.amount:.2f}" and rows[1][9] == "Firmado, listo para desembolsar"

    response = client.get(URL, {"export": "xlsx", "order": "-amount"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet["A2"].value, sheet["A3"].value] == [rosa.code, lucia.code]
    assert sheet["F2"].is_date and float(sheet["H2"].value) == 900.0


def test_only_treasury_exports_the_queue(client, traveler, finance_director, signed_advance):
    signed_advance()
    for user in (traveler, finance_director):
        client.force_login(user)
        assert client.get(URL, {"export": "csv"}).status_code == 403


def test_the_api_lists_take_the_filters_of_their_pages(
    api_client, auditor, signed_advance, other_traveler
):
    lucia, rosa = _two(signed_advance, other_traveler)
    api_client.force_authenticate(auditor)

    found = api_client.get("/api/v1/advances/", {"q": "quispe"}).json()["results"]
    assert [row["id"] for row in found] == [rosa.pk]
    found = api_client.get("/api/v1/advances/", {"order": "-amount"}).json()["results"]
    assert [row["id"] for row in found] == [rosa.pk, lucia.pk]
    found = api_client.get("/api/v1/missions/", {"q": lucia.mission.code}).json()["results"]
    assert [row["id"] for row in found] == [lucia.mission_id]


def test_the_openapi_schema_documents_the_list_filters(api_client, auditor):
    api_client.force_authenticate(auditor)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    def names(path):
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}

    assert {"q", "status", "amount_min", "amount_max", "order", "page"} <= names(
        "/api/v1/advances/"
    )
    assert {"q", "status", "departure_from", "order"} <= names("/api/v1/missions/")
    assert {"q", "status", "balance_min", "order"} <= names("/api/v1/settlements/")
    assert {"q", "kind", "state", "order"} <= names("/api/v1/sanctions/")
