"""Issue 20 item 4: the history of payments (advances disbursed, reimbursements paid) for
Treasury, the Finance Director and the Auditor, with filters, sorting, pages and exports."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from settlements import services
from settlements.models import Settlement, SettlementEvent

URL = "/tesoreria/pagos/"


@pytest.fixture
def paid(returned_mission, traveler, other_traveler, accountant):
    """Lucía's advance (450.00, OP-1, 27/02) reimbursed 55.00 on 12/03 (TR-55); Rosa's advance."""
    mission = returned_mission()
    settlement = services.settlement_start(actor=traveler, mission=mission)
    Settlement.objects.filter(pk=settlement.pk).update(
        balance_reimbursed=Decimal("55.00"),
        balance_settled_on=dt.date(2026, 3, 12),
        balance_reference="TR-55",
    )
    SettlementEvent.objects.create(
        settlement=settlement, action=SettlementEvent.Action.BALANCE_RECORDED, actor=accountant
    )
    other_traveler.first_name, other_traveler.last_name = "Rosa", "Quispe"
    other_traveler.save()
    returned_mission(other_traveler)
    return settlement


def test_treasury_lists_advances_and_reimbursements_with_who_paid(
    client, treasurer, accountant, paid, django_assert_max_num_queries
):
    client.force_login(treasurer)

    with django_assert_max_num_queries(12):
        page = client.get(URL)

    assert page.status_code == 200
    rows = list(page.context["page_obj"])
    assert [(r["kind"], r["amount_paid"], r["ref"]) for r in rows] == [
        ("reimbursement", Decimal("55.00"), "TR-55"),
        ("advance", Decimal("450.00"), "OP-1"),
        ("advance", Decimal("450.00"), "OP-1"),
    ]
    from viaticos.people import display_name

    assert rows[0]["paid_by"] == display_name(accountant)
    assert rows[1]["paid_by"] == display_name(treasurer)
    text = page.content.decode()
    assert "Reembolso" in text and "TR-55" in text and "12/03/2026" in text


def test_filters_by_kind_dates_and_payee_and_sorts(client, finance_director, paid):
    client.force_login(finance_director)

    only_refunds = client.get(URL, {"kind": "reimbursement"}).context["page_obj"]
    assert [r["ref"] for r in only_refunds] == ["TR-55"]
    in_march = client.get(URL, {"paid_from": "2026-03-01", "paid_to": "2026-03-31"})
    assert [r["ref"] for r in in_march.context["page_obj"]] == ["TR-55"]
    rosa = client.get(URL, {"q": "quispe"}).context["page_obj"]
    assert [r["payee"] for r in rosa] == ["Rosa Quispe"]
    by_amount = client.get(URL, {"order": "amount"}).context["page_obj"]
    assert [r["amount_paid"] for r in by_amount][0] == Decimal("55.00")
    project = paid.mission.project
    assert len(client.get(URL, {"project": project.pk}).context["page_obj"]) == 3


def test_csv_and_xlsx_exports_keep_the_filters(client, auditor, paid):
    client.force_login(auditor)

    csv = client.get(URL, {"kind": "reimbursement", "export": "csv"})
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeffFecha de pago;Tipo;Beneficiario")
    assert "12/03/2026;Reembolso;" in text and "55.00;USD;TR-55" in text
    assert text.count("\r\n") == 2  # header and one row

    xlsx = client.get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Fecha de pago"
    assert isinstance(sheet["A2"].value, dt.datetime) and sheet.max_row == 4


@pytest.mark.parametrize("persona", ["traveler", "coordinator", "accountant"])
def test_other_roles_may_not_see_the_payments(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_the_nav_offers_payments_to_treasury_and_not_to_travelers(client, treasurer, traveler):
    client.force_login(treasurer)
    assert f'href="{URL}"' in client.get("/").content.decode()
    client.force_login(traveler)
    assert f'href="{URL}"' not in client.get("/").content.decode()
