"""Several payroll deduction orders per advance (R-8b, SPEC §4 "Deductions are money
recovered"): partial recoveries over several payrolls, each reconciled by the ledger, and a
later settlement that reimburses what was over-recovered (issue 17)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deadlines import payroll, sanctions
from deadlines.models import PayrollDeductionOrder, Sanction
from settlements import ledger
from settlements.models import Settlement
from tests.settlements.test_ledger_scenarios import export, mine, settle_via_api

pytestmark = pytest.mark.django_db

PROPOSED_ON = dt.date(2026, 3, 23)
APPLIED_ON = dt.date(2026, 3, 27)  # after the traveler's 3 business days to answer (R-A1)


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


def run(day: dt.date) -> None:
    call_command("enforce_deadlines", "--date", day.isoformat(), stdout=StringIO())


def first_installment(returned_mission, client, accountant, amount=D("200.00")):
    """450.00 unsettled; the deduction applied for 200.00 and exported with March's payroll."""
    mission = returned_mission()
    run(dt.date(2026, 3, 13))
    run(PROPOSED_ON)
    sanction = Sanction.objects.get(advance__mission=mission, kind="payroll_deduction")
    sanctions.sanction_apply(actor=accountant, sanction=sanction, today=APPLIED_ON, amount=amount)
    assert export(client, accountant, "2026-03").status_code == 200
    return mission, sanction


def test_r_8b_a_deduction_recovered_over_two_payrolls_then_a_late_settlement_reimburses_it(
    returned_mission, client, api_client, accountant, accounting_assistant, traveler
):
    mission, sanction = first_installment(returned_mission, client, accountant)
    advance = mission.advances.get()
    position = ledger.position_of(advance)
    assert (position.movements.recovered, position.owed) == (D("200.00"), D("250.00"))
    (row,) = mine(api_client, traveler)
    assert (row["owed"], row["ledger"]["recovered_by_deduction"]) == ("250.00", "200.00")

    # The daily job does not order anything more: a person orders the next deduction.
    run(dt.date(2026, 4, 6))
    assert PayrollDeductionOrder.objects.filter(advance=advance).count() == 1
    api_client.force_authenticate(accountant)
    url = reverse("v1:sanction-orders", args=[sanction.pk])
    too_much = api_client.post(url, {"amount": "250.01"}, format="json")
    assert too_much.status_code == 400 and too_much.json()["code"] == "invalid_amount"
    response = api_client.post(url, {}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["amount"], response.json()["state"]) == ("250.00", "pending")
    again = api_client.post(url, {}, format="json")  # one order waiting at a time
    assert again.status_code == 400 and again.json()["code"] == "order_waiting"
    assert export(client, accountant, timezone.localdate().strftime("%Y-%m")).status_code == 200

    listed = api_client.get(url).json()
    assert [(o["amount"], o["state"]) for o in listed] == [
        ("200.00", "exported"),
        ("250.00", "exported"),
    ]
    position = ledger.position_of(advance)
    assert (position.movements.recovered, position.owed) == (D("450.00"), D("0.00"))
    nothing = api_client.post(url, {}, format="json")
    assert nothing.status_code == 400 and nothing.json()["code"] == "nothing_owed"

    # The traveler settles late with 400.00 of viáticos: both deductions count, 400.00 back.
    pk = settle_via_api(api_client, mission, accounting_assistant, accountant)
    settlement = Settlement.objects.get(pk=pk)
    assert settlement.recovered_by_deduction == D("450.00")
    assert settlement.balance == D("-400.00") and settlement.reimbursement_due is not None
    (row,) = mine(api_client, traveler)
    assert (row["state"], row["owed"]) == ("reimbursement_due", "-400.00")
    client.force_login(traveler)
    listing = client.get(reverse("settlements:list")).content.decode()
    assert 'data-owed="400.00" data-owed-by="organization"' in listing


def test_r_8b_a_settlement_after_a_partial_deduction_counts_it_and_stops_the_rest(
    returned_mission, client, api_client, accountant, accounting_assistant
):
    mission, sanction = first_installment(returned_mission, client, accountant)
    sanctions_page = reverse("deadlines:sanction", args=[sanction.pk])
    client.force_login(accountant)
    response = client.post(
        reverse("deadlines:sanction-next-order", args=[sanction.pk]), {"amount": "100.00"}
    )
    assert response.status_code == 302
    second = PayrollDeductionOrder.objects.filter(sanction=sanction).latest("pk")
    assert (second.amount, second.state) == (D("100.00"), "pending")
    page = client.get(sanctions_page).content.decode()
    assert 'data-order-state="exported"' in page and 'data-order-state="pending"' in page

    pk = settle_via_api(api_client, mission, accounting_assistant, accountant)
    second.refresh_from_db()
    assert second.state == "cancelled"  # received, then accepted owing nothing: never exported
    settlement = Settlement.objects.get(pk=pk)
    # 450 − 200 recovered − 400 of viáticos: the organization reimburses 150.00.
    assert (settlement.recovered_by_deduction, settlement.balance) == (D("200.00"), D("-150.00"))
    assert ledger.position_of(mission.advances.get()).owed == D("-150.00")


def test_r_8b_orders_of_one_advance_exported_together_never_recover_more_than_is_owed(
    returned_mission, client, accountant
):
    mission, sanction = first_installment(returned_mission, client, accountant)
    first = PayrollDeductionOrder.objects.get(sanction=sanction)
    today = timezone.localdate()
    for amount in ("150.00", "150.00"):  # 300.00 waiting for 250.00 owed (hand-made)
        PayrollDeductionOrder.objects.create(
            advance=first.advance,
            sanction=sanction,
            requirement=first.requirement,
            person=first.person,
            person_name=first.person_name,
            amount=D(amount),
            concept=first.concept,
            mission_reference=first.mission_reference,
            issued_on=today,
        )
    result = payroll.payroll_export(
        actor=accountant, period_start=today.replace(day=1), period_end=today, file_format="csv"
    )
    assert [o.amount for o in result.export.orders.order_by("pk")] == [D("150.00"), D("100.00")]
    position = ledger.position_of(mission.advances.get())
    assert (position.movements.recovered, position.owed) == (D("450.00"), D("0.00"))
