"""Issue 17: the audit's reproductions through the API, each named after its rule (SPEC §4),
and the one ledger every page and the API read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deadlines.models import DocumentationRequirement, PayrollDeductionOrder
from deadlines.rules import settlement_due_date
from missions import services as mission_services
from missions.models import Advance, Mission
from settlements import ledger
from settlements.models import Settlement
from tests.deadlines.proposals import apply_proposals
from tests.settlements.conftest import pdf_upload
from viaticos.business_days import duty_calendar

pytestmark = pytest.mark.django_db

MINE = "/api/v1/deadlines/mine/"


def run(day: dt.date) -> str:
    out = StringIO()
    call_command("enforce_deadlines", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def export(client, accountant, period: str):
    client.force_login(accountant)
    return client.post(reverse("deadlines:payroll"), {"period": period, "format": "csv"})


def settle_via_api(api, mission, assistant, accountant, *, finish=True):
    """The traveler settles with no terminal expense (E1: 400.00 of viáticos)."""
    api.force_authenticate(mission.traveler)
    created = api.post("/api/v1/settlements/", {"mission": mission.pk}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    for kind in ("proof_of_travel", "mission_report"):
        response = api.post(
            f"/api/v1/settlements/{pk}/documents/",
            {"kind": kind, "file": pdf_upload()},
            format="multipart",
        )
        assert response.status_code in (200, 201), response.content
    assert api.post(f"/api/v1/settlements/{pk}/submit/").status_code == 200
    api.force_authenticate(assistant)
    assert api.post(f"/api/v1/settlements/{pk}/receive/").status_code == 200
    if not finish:
        return pk
    api.force_authenticate(accountant)
    assert api.post(f"/api/v1/settlements/{pk}/finish-review/").status_code == 200
    response = api.post(f"/api/v1/settlements/{pk}/settle/")
    assert response.status_code == 200, response.content
    return pk


def mine(api, traveler):
    api.force_authenticate(traveler)
    response = api.get(MINE)
    assert response.status_code == 200
    return response.json()["results"]


def deducted(returned_mission, client, accountant):
    """A 450.00 advance not settled: requirement, deduction order, exported in March."""
    mission = returned_mission()
    run(dt.date(2026, 3, 13))  # requirement
    run(dt.date(2026, 3, 23))  # deduction order (R-8b), proposed
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 23))  # by a person (R-A1)
    order = PayrollDeductionOrder.objects.get(advance__mission=mission)
    assert order.amount == D("450.00")
    assert export(client, accountant, "2026-03").status_code == 200
    order.refresh_from_db()
    assert order.state == PayrollDeductionOrder.State.EXPORTED
    return mission


def test_r_8b_a_traveler_who_settles_after_a_deduction_is_reimbursed_never_charged_twice(
    returned_mission, api_client, client, accountant, accounting_assistant, traveler
):
    """Defect 1: 450.00 deducted, 400.00 of viáticos: the organization reimburses 400.00."""
    mission = deducted(returned_mission, client, accountant)
    api_client.force_authenticate(traveler)
    (row,) = mine(api_client, traveler)
    assert (row["owed"], row["ledger"]["recovered_by_deduction"]) == ("0.00", "450.00")

    pk = settle_via_api(api_client, mission, accounting_assistant, accountant)

    body = api_client.get(f"/api/v1/settlements/{pk}/").json()
    assert body["live_balance"]["recovered_by_deduction"] == "450.00"
    assert body["live_balance"]["amount"] == "-400.00"
    assert body["live_balance"]["direction"] == "organization_reimburses"
    assert body["owed_now"] == "-400.00"
    settlement = Settlement.objects.get(pk=pk)
    assert settlement.balance == D("-400.00") and settlement.reimbursement_due is not None
    assert settlement.advance.status == Advance.Status.SETTLED  # no longer blocks (R-3.11a)
    (row,) = mine(api_client, traveler)
    assert (row["state"], row["owed"], row["amount"]) == ("reimbursement_due", "-400.00", "0.00")
    assert row["due_date"] == settlement.reimbursement_due.isoformat()

    api_client.force_authenticate(accountant)
    paid = api_client.post(
        f"/api/v1/settlements/{pk}/record-balance/",
        {"on": timezone.localdate().isoformat(), "reference": "TR-1"},
        format="json",
    )
    assert paid.status_code == 200 and paid.json()["status"] == "closed"
    assert paid.json()["owed_now"] == "0.00"
    settlement.refresh_from_db()
    assert settlement.balance_reimbursed == D("400.00")
    assert mine(api_client, traveler) == []


def test_r_8b_a_settlement_received_stops_the_order_before_it_reaches_payroll(
    returned_mission, api_client, client, accountant, accounting_assistant, traveler
):
    """Defect 2: received → the pending order is stopped and not exported with the month; the
    settlement returned and not resubmitted in time → the order restarts."""
    mission = returned_mission()
    run(dt.date(2026, 3, 13))
    run(dt.date(2026, 3, 23))
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 23))
    order = PayrollDeductionOrder.objects.get(advance__mission=mission)
    assert order.state == PayrollDeductionOrder.State.PENDING

    pk = settle_via_api(api_client, mission, accounting_assistant, accountant, finish=False)

    order.refresh_from_db()
    assert order.state == PayrollDeductionOrder.State.STOPPED
    response = export(client, accountant, "2026-03")
    assert response.status_code == 302  # nothing to export: the message says so
    order.refresh_from_db()
    assert order.state == PayrollDeductionOrder.State.STOPPED and order.exported_at is None
    (row,) = mine(api_client, traveler)
    assert row["state"] == "with_accounting"

    api_client.force_authenticate(accountant)
    returned = api_client.post(
        f"/api/v1/settlements/{pk}/return/", {"reason": "Falta el informe firmado"}, format="json"
    )
    assert returned.status_code == 200
    calendar = duty_calendar()
    today = timezone.localdate()
    run(calendar.add_business_days(today, 2))  # within the grace: still stopped
    order.refresh_from_db()
    assert order.state == PayrollDeductionOrder.State.STOPPED
    later = calendar.add_business_days(today, 6)
    run(later)  # not resubmitted in time: restarts, for what is owed now
    order.refresh_from_db()
    assert (order.state, order.amount, order.issued_on) == (
        PayrollDeductionOrder.State.PENDING,
        D("450.00"),
        later,
    )


def test_r_3_11a_a_balance_owed_after_settling_keeps_the_advance_open_and_is_collected(
    returned_mission,
    api_client,
    client,
    accountant,
    accounting_assistant,
    traveler,
    authorized_mission,
):
    """Defect 4: settled with 50.00 to return: the advance stays pending (no new advance), is
    due 5 business days after settling, and follows requirement → deduction."""
    mission = returned_mission()
    pk = settle_via_api(api_client, mission, accounting_assistant, accountant)
    settlement = Settlement.objects.get(pk=pk)
    assert settlement.status == Settlement.Status.SETTLED and settlement.balance == D("50.00")
    advance = settlement.advance
    assert advance.status == Advance.Status.DISBURSED

    (row,) = mine(api_client, traveler)
    calendar = duty_calendar()
    due = settlement_due_date(calendar, settlement.settled_on)
    assert (row["state"], row["owed"], row["due_date"]) == ("balance_due", "50.00", due.isoformat())
    # Defect 10: the home page tells the same story ("Mis plazos" panel and the missions panel)
    client.force_login(traveler)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-owed="50.00" data-owed-by="traveler"' in home
    assert "Submit the settlement with the travel evidence" not in home
    assert "Your settlement was accepted" in home

    other = authorized_mission()
    api_client.force_authenticate(traveler)
    refused = api_client.post(
        "/api/v1/advances/",
        {"mission": other.pk, "terminal_estimate": "10.00"},
        format="json",
    )
    assert refused.status_code == 400
    assert not Advance.objects.filter(mission=other).exists()

    run(calendar.add_business_days(due, 1))
    requirement = DocumentationRequirement.objects.get(advance=advance)
    assert (requirement.amount, requirement.due_date) == (D("50.00"), due)
    proposed_on = calendar.add_business_days(requirement.issued_on, 6)
    run(proposed_on)
    apply_proposals(accountant, proposed_on=proposed_on)
    order = PayrollDeductionOrder.objects.get(advance=advance)
    assert (order.amount, order.state) == (D("50.00"), PayrollDeductionOrder.State.PENDING)


def test_r_4_money_of_a_cancelled_mission_is_due_days_after_the_cancellation(
    seed_rates, organization, project, traveler, coordinator, executive_secretary,
    finance_director, treasurer, api_client,
):  # fmt: skip
    """Defect 5: a mission months ahead, cancelled today with 450.00 paid: due 5 business days
    after the cancellation, not after the planned return."""
    from missions.models import Destination
    from missions.rules import LegInput

    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=90), dt.time(8)))
    back = start + dt.timedelta(days=3, hours=10)
    destination = Destination.objects.get(code="SV-SAL")
    mission = mission_services.mission_create(
        actor=traveler,
        project=project,
        kind=Mission.Kind.ORDINARY,
        purpose="Taller",
        expected_results="Plan",
        budget_line="2.1.3 Viajes",
        departure_at=start,
        return_at=back,
        legs=[LegInput(destination, start + dt.timedelta(hours=4), back - dt.timedelta(hours=4))],
    )
    mission_services.mission_submit(actor=traveler, mission=mission)
    mission_services.mission_authorize(actor=coordinator, mission=mission)
    mission_services.mission_authorize(actor=executive_secretary, mission=mission)
    advance = mission_services.advance_request(
        actor=traveler, mission=mission, terminal_estimate=D("50.00")
    )
    mission_services.advance_approve(actor=coordinator, advance=advance)
    mission_services.advance_approve(actor=finance_director, advance=advance)
    mission_services.advance_sign(actor=traveler, advance=advance)
    mission_services.advance_disburse(
        actor=treasurer, advance=advance, disbursed_on=today, method="transfer", reference="OP-14"
    )
    api_client.force_authenticate(traveler)
    cancelled = api_client.post(
        f"/api/v1/missions/{mission.pk}/cancel/",
        {"reason": "Evento suspendido", "amount_spent": "0"},
        format="json",
    )
    assert cancelled.status_code == 200, cancelled.content

    calendar = duty_calendar()
    due = calendar.add_business_days(today, 5)
    (row,) = mine(api_client, traveler)
    assert (row["state"], row["due_date"]) == ("return_due", due.isoformat())
    run(calendar.add_business_days(due, 1))
    assert DocumentationRequirement.objects.filter(advance=advance, due_date=due).exists()


def test_r_3_3_money_out_on_a_mission_not_back_is_shown_with_its_due_date(
    disbursed_advance, api_client, client, traveler
):
    """Defect 10: a traveler just paid reads what they owe and when, not "you owe nothing"."""
    advance = disbursed_advance()
    (row,) = mine(api_client, traveler)
    calendar = duty_calendar()
    due = settlement_due_date(calendar, dt.date(2026, 3, 5))
    assert (row["advance"], row["amount"], row["due_date"]) == (
        advance.code,
        "450.00",
        due.isoformat(),
    )
    client.force_login(traveler)
    page = client.get(reverse("deadlines:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You owe nothing" not in page
    assert f"You owe 450.00 USD for mission {advance.mission.code}" in page


def test_every_page_and_the_api_say_the_same_when_the_ledger_changes(
    returned_mission, api_client, client, accountant, accounting_assistant, traveler
):
    """One selector: a deduction exported changes what every screen says, identically."""
    mission = returned_mission()
    advance = mission.advances.get()

    def figures():
        client.force_login(traveler)
        home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        plazos = client.get(reverse("deadlines:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        client.force_login(accountant)
        board = client.get(reverse("deadlines:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
        (row,) = mine(api_client, traveler)
        position = ledger.position_of(advance)
        return position, row, home, plazos, board.context["total"]

    position, row, home, plazos, total = figures()
    assert position.owed == D("450.00") == D(row["owed"]) == total
    assert f'data-owed="{position.owed}"' in home and f'data-owed="{position.owed}"' in plazos

    run(dt.date(2026, 3, 13))
    run(dt.date(2026, 3, 23))
    apply_proposals(accountant, proposed_on=dt.date(2026, 3, 23))
    PayrollDeductionOrder.objects.filter(advance=advance).update(amount=D("300.00"))
    export(client, accountant, "2026-03")

    position, row, home, plazos, total = figures()
    assert position.owed == D("150.00") == D(row["owed"]) == total
    assert f'data-owed="{position.owed}"' in home and f'data-owed="{position.owed}"' in plazos
    assert row["ledger"]["recovered_by_deduction"] == "300.00"

    pk = settle_via_api(api_client, mission, accounting_assistant, accountant)
    client.force_login(traveler)
    listing = client.get(reverse("settlements:list")).content.decode()
    position = ledger.position_of(advance)
    assert position.owed == D("-250.00")  # 450 − 300 − 400
    api_client.force_authenticate(traveler)
    assert api_client.get(f"/api/v1/settlements/{pk}/").json()["owed_now"] == "-250.00"
    assert 'data-owed="250.00" data-owed-by="organization"' in listing
    (row,) = mine(api_client, traveler)
    assert row["owed"] == "-250.00"


def test_r_3_11b_actual_times_beyond_the_authorized_trip_need_an_extension(
    draft, api_client, traveler, coordinator
):
    """Defect 6: a 3-day mission typed as a 3-week trip is refused with a clear message, not
    paid; with an authorized extension the actual times are taken."""
    settlement = draft()
    api_client.force_authenticate(traveler)
    weeks = {"actual_departure_at": "2026-03-02T07:30", "actual_return_at": "2026-03-23T19:00"}
    refused = api_client.post(f"/api/v1/settlements/{settlement.pk}/times/", weeks, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "times_outside_authorization"
    settlement.refresh_from_db()
    assert settlement.viaticos_recognized == D("400.00")  # nothing half-written

    within = {"actual_departure_at": "2026-03-02T07:30", "actual_return_at": "2026-03-06T10:00"}
    ok = api_client.post(f"/api/v1/settlements/{settlement.pk}/times/", within, format="json")
    assert ok.status_code == 200  # within the 24 hours of tolerance

    api_client.force_authenticate(coordinator)
    extension = api_client.post(
        f"/api/v1/deadlines/missions/{settlement.mission.pk}/return/",
        {"kind": "extension", "at": "2026-03-23T20:00", "reason": "Segunda fase del taller"},
        format="json",
    )
    assert extension.status_code == 201, extension.content
    api_client.force_authenticate(traveler)
    taken = api_client.post(f"/api/v1/settlements/{settlement.pk}/times/", weeks, format="json")
    assert taken.status_code == 200
    assert D(taken.json()["viaticos_recognized"]) > D("2000.00")


def test_r_7i_the_general_accountant_cuts_a_per_diem_line_with_a_reason(
    submitted, api_client, client, accounting_assistant, accountant
):
    """Defect 6: the review shows planned beside actual per-diem lines, and the General
    Accountant accepts or cuts a line (page and API); the viáticos recognized follow."""
    settlement = submitted()
    api_client.force_authenticate(accounting_assistant)
    assert api_client.post(f"/api/v1/settlements/{settlement.pk}/receive/").status_code == 200
    api_client.force_authenticate(accountant)
    rows = api_client.get(f"/api/v1/settlements/{settlement.pk}/perdiem-lines/").json()
    lodging = next(r for r in rows if r["concept"] == "lodging" and r["date"] == "2026-03-03")
    assert lodging["planned"] == lodging["actual"] == lodging["accepted"] == "80.00"

    no_reason = api_client.post(
        f"/api/v1/settlements/{settlement.pk}/perdiem-lines/",
        {"date": "2026-03-03", "concept": "lodging", "decision": "cut", "accepted_usd": "40.00"},
        format="json",
    )
    assert no_reason.status_code == 400
    cut = api_client.post(
        f"/api/v1/settlements/{settlement.pk}/perdiem-lines/",
        {
            "date": "2026-03-03",
            "concept": "lodging",
            "decision": "cut",
            "accepted_usd": "40.00",
            "reason": "Hospedaje compartido",
        },
        format="json",
    )
    assert cut.status_code == 200, cut.content
    assert cut.json()["viaticos_recognized"] == "360.00"
    settlement.refresh_from_db()
    assert settlement.viaticos_recognized == D("360.00")

    client.force_login(accountant)
    page = client.get(reverse("settlements:review", args=[settlement.pk])).content.decode()
    assert "Hospedaje compartido" in page and "perdiem-2026-03-03-lodging" in page
    accepted = client.post(
        reverse("settlements:action", args=[settlement.pk, "perdiem_line"]),
        {"date": "2026-03-03", "concept": "lodging", "decision": "accepted"},
    )
    assert accepted.status_code == 302
    settlement.refresh_from_db()
    assert settlement.viaticos_recognized == D("400.00")
