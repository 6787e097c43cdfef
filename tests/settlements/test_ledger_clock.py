"""SPEC §4 "When the clock starts" (R-3.3): from the return recorded; an authorized extension
moves it; silence for 5 business days after the planned return starts it from there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deadlines.models import DocumentationRequirement
from deadlines.rules import settlement_due_date
from missions import services as mission_services
from missions.models import Destination, Mission
from missions.rules import LegInput
from settlements import ledger
from settlements.models import ReturnRecord
from viaticos.business_days import BusinessCalendar, duty_calendar

pytestmark = pytest.mark.django_db

URL = "/api/v1/deadlines/missions/{}/return/"


def run(day: dt.date) -> None:
    call_command("enforce_deadlines", "--date", day.isoformat(), stdout=StringIO())


@pytest.fixture
def travelling(
    seed_rates,
    organization,
    project,
    traveler,
    coordinator,
    executive_secretary,
    finance_director,
    treasurer,
):
    """A mission in progress, paid, planned back `back_days_ago` calendar days ago at 18:00."""

    def make(back_days_ago: int):
        today = timezone.localdate()
        back = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=back_days_ago), dt.time(18))
        )
        start = back - dt.timedelta(days=3, hours=10)
        mission = mission_services.mission_create(
            actor=traveler,
            project=project,
            kind=Mission.Kind.ORDINARY,
            purpose="Taller",
            expected_results="Plan",
            budget_line="2.1.3 Viajes",
            departure_at=start,
            return_at=back,
            legs=[
                LegInput(
                    Destination.objects.get(code="SV-SAL"),
                    start + dt.timedelta(hours=4),
                    back - dt.timedelta(hours=4),
                )
            ],
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
            actor=treasurer,
            advance=advance,
            disbursed_on=start.date(),
            method="transfer",
            reference="OP-12",
        )
        mission_services.mission_start(actor=traveler, mission=mission)
        mission.refresh_from_db()
        return mission

    return make


def test_r_3_3_a_mission_extended_in_time_is_not_sanctioned_while_still_travelling(
    travelling, api_client, coordinator, traveler
):
    """Defect 3: the coordinator records an authorized extension; the day the planned return
    would have made the advance late, nothing happens; the clock runs from the extension."""
    mission = travelling(back_days_ago=2)
    today = timezone.localdate()
    calendar = duty_calendar()
    planned_due = settlement_due_date(calendar, today - dt.timedelta(days=2))
    extended = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=10), dt.time(9)))

    api_client.force_authenticate(traveler)  # the traveler alone cannot extend
    refused = api_client.post(
        URL.format(mission.pk),
        {"kind": "extension", "at": extended.isoformat(), "reason": "Taller ampliado"},
        format="json",
    )
    assert refused.status_code == 403
    api_client.force_authenticate(coordinator)
    response = api_client.post(
        URL.format(mission.pk),
        {"kind": "extension", "at": extended.isoformat(), "reason": "Taller ampliado"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert ReturnRecord.objects.get(mission=mission).recorded_by == coordinator

    run(calendar.add_business_days(planned_due, 2))
    assert not DocumentationRequirement.objects.filter(mission=mission).exists()
    position = ledger.position_of(mission.advances.get(), today=planned_due)
    assert position.state == ledger.State.NOT_BACK
    assert position.due_date == settlement_due_date(calendar, extended.date())

    run(calendar.add_business_days(settlement_due_date(calendar, extended.date()), 1))
    assert DocumentationRequirement.objects.filter(mission=mission).exists()


def test_r_3_3_the_clock_counts_from_the_actual_return_the_traveler_records(
    travelling, api_client, client, traveler
):
    mission = travelling(back_days_ago=3)
    today = timezone.localdate()
    back = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time(20)))
    client.force_login(traveler)
    response = client.post(
        reverse("deadlines:record-return", args=[mission.pk]),
        {"kind": "actual_return", "at": timezone.localtime(back).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == Mission.Status.RETURNED  # the settlement can start
    api_client.force_authenticate(traveler)
    (row,) = api_client.get("/api/v1/deadlines/mine/").json()["results"]
    due = settlement_due_date(duty_calendar(), back.date())
    assert (row["state"], row["return_date"], row["due_date"]) == (
        "to_settle",
        back.date().isoformat(),
        due.isoformat(),
    )


def test_r_3_3_a_return_recorded_after_the_silence_does_not_move_the_clock(
    travelling, api_client, traveler
):
    mission = travelling(back_days_ago=30)
    today = timezone.localdate()
    back = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time(20)))
    api_client.force_authenticate(traveler)
    response = api_client.post(
        URL.format(mission.pk), {"kind": "actual_return", "at": back.isoformat()}, format="json"
    )
    assert response.status_code == 201
    (row,) = api_client.get("/api/v1/deadlines/mine/").json()["results"]
    planned = today - dt.timedelta(days=30)
    assert row["due_date"] == settlement_due_date(duty_calendar(), planned).isoformat()
    assert row["business_days_left"] < 0


def test_r_3_3_return_counted_from_is_a_pure_rule():
    calendar = BusinessCalendar("PE")
    planned = dt.date(2026, 3, 5)  # Thursday; silence ends 2026-03-12
    rule = ledger.return_counted_from
    assert (
        rule(
            calendar,
            planned_return=planned,
            actual_return=None,
            actual_recorded_on=None,
            extended_to=None,
            extended_on=None,
        )
        == planned
    )
    assert rule(
        calendar,
        planned_return=planned,
        actual_return=dt.date(2026, 3, 9),
        actual_recorded_on=dt.date(2026, 3, 12),
        extended_to=None,
        extended_on=None,
    ) == dt.date(2026, 3, 9)
    assert (
        rule(
            calendar,
            planned_return=planned,
            actual_return=dt.date(2026, 3, 9),
            actual_recorded_on=dt.date(2026, 3, 13),  # after the silence: ignored
            extended_to=None,
            extended_on=None,
        )
        == planned
    )
    assert rule(
        calendar,
        planned_return=planned,
        actual_return=None,
        actual_recorded_on=None,
        extended_to=dt.date(2026, 3, 20),
        extended_on=dt.date(2026, 3, 6),
    ) == dt.date(2026, 3, 20)
    # an actual return recorded within the silence of the extended return counts
    assert rule(
        calendar,
        planned_return=planned,
        actual_return=dt.date(2026, 3, 19),
        actual_recorded_on=dt.date(2026, 3, 24),
        extended_to=dt.date(2026, 3, 20),
        extended_on=dt.date(2026, 3, 6),
    ) == dt.date(2026, 3, 19)


def _clock(**overrides):
    values = {
        "calendar": BusinessCalendar("PE"),
        "today": dt.date(2026, 3, 10),
        "amount_owed": D("450.00"),
        "advance_status": "disbursed",
        "disbursed_on": dt.date(2026, 2, 27),
        "planned_return": dt.date(2026, 3, 5),
        "back": True,
        "stopped_on": None,
        "settlement_status": None,
        "settled_on": None,
        "reimbursement_due": None,
        "r4_days": 5,
    }
    values.update(overrides)
    return ledger.clock(**values)


def test_ledger_clock_states_are_pure_rules():
    assert _clock() == ledger.Clock(
        ledger.State.TO_SETTLE, dt.date(2026, 3, 5), dt.date(2026, 3, 12), dt.date(2026, 3, 5)
    )
    assert _clock(back=False).state == ledger.State.NOT_BACK
    assert _clock(back=False, today=dt.date(2026, 3, 13)).state == ledger.State.TO_SETTLE
    assert _clock(settlement_status="received").state == ledger.State.WITH_ACCOUNTING
    # due r4_days business days after the stop, not after the planned return
    stopped = _clock(advance_status="return_due", stopped_on=dt.date(2026, 1, 9), r4_days=3)
    assert (stopped.state, stopped.due_date) == (ledger.State.RETURN_DUE, dt.date(2026, 1, 14))
    # after settling: the traveler owes → due 5 business days after; the organization owes →
    # its reimbursement date; nothing owed → settled
    owes = _clock(settlement_status="settled", settled_on=dt.date(2026, 3, 16), amount_owed=D(5))
    assert (owes.state, owes.due_date) == (ledger.State.BALANCE_DUE, dt.date(2026, 3, 23))
    owed = _clock(
        settlement_status="settled",
        settled_on=dt.date(2026, 3, 16),
        amount_owed=D("-5"),
        reimbursement_due=dt.date(2026, 3, 20),
    )
    assert (owed.state, owed.due_date) == (ledger.State.REIMBURSEMENT_DUE, dt.date(2026, 3, 20))
    done = _clock(settlement_status="closed", settled_on=dt.date(2026, 3, 16), amount_owed=D(0))
    assert done.state == ledger.State.SETTLED
