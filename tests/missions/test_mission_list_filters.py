"""Issue 20, lists: *Mis misiones* can be searched, filtered, sorted and exported (CSV for Excel,
XLSX), the filters are kept across pages, and an export holds only what the user may see."""

import csv
import io

from openpyxl import load_workbook

from missions.models import Mission
from tests.factories import UserFactory
from viaticos.roles import Role


def _missions(make_mission, traveler, n=3):
    missions = [make_mission() for _ in range(n)]
    Mission.objects.filter(pk=missions[0].pk).update(status=Mission.Status.CANCELLED)
    return missions


def test_search_filter_and_sort_my_missions(client, traveler, make_mission):
    missions = _missions(make_mission, traveler)
    client.force_login(traveler)
    page = client.get("/misiones/", {"status": "draft"}).content.decode()
    assert missions[1].code in page and missions[0].code not in page
    page = client.get("/misiones/", {"q": missions[2].code}).content.decode()
    assert missions[2].code in page and missions[1].code not in page
    page = client.get("/misiones/", {"q": "salvador", "order": "-amount"}).content.decode()
    assert all(m.code in page for m in missions)


def test_filters_are_kept_across_pages(client, traveler, make_mission, settings, monkeypatch):
    from viaticos import pagination

    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    _missions(make_mission, traveler)
    client.force_login(traveler)
    page = client.get("/misiones/", {"status": "draft", "order": "departure"}).content.decode()
    assert "?status=draft&amp;order=departure&amp;page=2" in page


def test_csv_export_opens_in_excel_and_holds_only_my_missions(
    client, traveler, make_mission, django_assert_max_num_queries
):
    mine = _missions(make_mission, traveler)
    other = UserFactory(username="rosa2", roles=[Role.TRAVELER], profile=True)
    theirs = make_mission(other)
    client.force_login(traveler)
    with django_assert_max_num_queries(12):
        response = client.get("/misiones/", {"export": "csv", "status": "draft"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="misiones-' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Misión", "Proyecto", "Tipo", "Destinos"]
    codes = {row[0] for row in rows[1:]}
    assert codes == {mine[1].code, mine[2].code}  # the filter applies, the other traveler's not
    assert theirs.code not in codes
    assert rows[1][4] == "02/03/2026 07:30"


def test_xlsx_export_has_spanish_headers_real_dates_and_numbers(client, traveler, make_mission):
    _missions(make_mission, traveler, n=1)
    client.force_login(traveler)
    response = client.get("/misiones/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Misión" and sheet["E1"].value == "Salida"
    assert sheet["E2"].is_date and float(sheet["G2"].value) == 400.0
    assert sheet.column_dimensions["D"].width >= 30


def test_the_list_page_stays_within_its_query_budget(
    client, traveler, make_mission, django_assert_max_num_queries
):
    _missions(make_mission, traveler)
    client.force_login(traveler)
    with django_assert_max_num_queries(12):
        assert client.get("/misiones/", {"q": "salvador", "order": "-departure"}).status_code == 200
