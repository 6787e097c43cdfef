"""SPEC §2.5: the donor report per project and period, by line: approved, committed, spent and
available, with the missions behind each figure; as a page, CSV, XLSX and PDF."""

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from missions import budgets
from missions.models import BudgetLine

URL = "/presupuestos/informe-donante/"
QUERY = "?project=PREVDA&from=2026-01-01&to=2026-12-31"


@pytest.fixture
def report_data(authorized_mission, project, accountant):
    """Line 2.1.3 (1000.00): one mission committed (400.00), one settled (350.00 spent)."""
    line = BudgetLine.objects.create(
        project=project,
        code="2.1.3",
        description="Viajes",
        amount=D("1000.00"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    BudgetLine.objects.create(
        project=project,
        code="9.1",
        description="Línea de 2025",
        amount=D("5.00"),
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
    )
    committed, settled = authorized_mission(), authorized_mission()
    budgets.spend(mission=settled, actor=accountant, amount=D("350.00"))
    return line, committed, settled


@pytest.mark.parametrize(
    "who,status",
    [
        ("finance_director", 200),
        ("coordinator", 200),
        ("auditor", 200),
        ("executive_secretary", 200),
        ("traveler", 403),
        ("treasurer", 403),
    ],
)
def test_donor_report_by_role(client, request, report_data, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL + QUERY).status_code == status


def test_donor_report_page_shows_each_figure_and_the_missions_behind_it(
    client, report_data, finance_director, django_assert_max_num_queries
):
    _line, committed, settled = report_data
    client.force_login(finance_director)
    with django_assert_max_num_queries(12):
        page = client.get(URL + QUERY).content.decode()
    for figure in ("1000.00", "400.00", "350.00", "250.00"):
        assert figure in page
    assert f'href="{committed.get_absolute_url()}"' in page
    assert f'href="{settled.get_absolute_url()}"' in page
    assert "Línea de 2025" not in page  # outside the period


def test_donor_report_exports_csv_xlsx_and_pdf(client, report_data, finance_director):
    _line, committed, settled = report_data
    client.force_login(finance_director)
    content = client.get(URL.rstrip("/") + ".csv" + QUERY).content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["PREVDA", "2.1.3"]
    assert rows[1][5:9] == ["1000.00", "400.00", "350.00", "250.00"]
    assert committed.code in rows[1][9] and settled.code in rows[1][9]
    sheet = load_workbook(io.BytesIO(client.get(URL.rstrip("/") + ".xlsx" + QUERY).content)).active
    assert list(sheet.iter_rows(values_only=True))[1][8] == 250
    response = client.get(URL.rstrip("/") + ".pdf" + QUERY)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "2.1.3" in text and "250.00" in text and committed.code in text


def test_a_coordinator_sees_only_their_projects(client, report_data, other_traveler):
    from tests.factories import ProjectFactory, UserFactory
    from viaticos.roles import Role

    other = UserFactory(roles=[Role.PROJECT_COORDINATOR])
    ProjectFactory(code="OTRO", coordinator=other)
    client.force_login(other)
    page = client.get(URL + QUERY).content.decode()
    assert "Viajes" not in page and ">OTRO<" in page  # PREVDA's lines are not shown
