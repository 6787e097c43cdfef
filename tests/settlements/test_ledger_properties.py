"""Issue 17, property tests (hypothesis): whatever the order of the daily job, payroll
exports, the settlement, its acceptance and the recording of the balance, payroll never
recovers more than is owed and the advance ends at zero, settled."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deadlines import payroll
from deadlines.models import PayrollDeductionOrder
from missions.models import Advance
from settlements import ledger, services
from settlements.models import Settlement
from settlements.rules import Movements, owed, settlement_balance
from tests.factories import UserFactory
from tests.settlements.conftest import pdf_upload, receipt_fields
from viaticos.business_days import duty_calendar
from viaticos.errors import DomainError
from viaticos.roles import Role

money = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)


@given(advance=money, recovered=money, viaticos=money, terminal=money)
def test_r_8b_the_settlement_balance_is_the_ledger_formula(advance, recovered, viaticos, terminal):
    balance = settlement_balance(
        advance=advance,
        viaticos_recognized=viaticos,
        terminal_accepted=terminal,
        recovered=recovered,
    )
    assert balance.amount == owed(
        Movements(disbursed=advance, recovered=recovered, recognized=viaticos, accepted=terminal)
    )
    assert balance.amount == advance - recovered - viaticos - terminal
    assert balance.to_return - balance.to_reimburse == balance.amount


OPS = st.lists(
    st.sampled_from(["sweep_march", "sweep_late", "export", "settle", "record", "sweep_after"]),
    max_size=7,
)


def _sweep(day: dt.date) -> None:
    call_command("enforce_deadlines", "--date", day.isoformat(), stdout=StringIO())


def _export(accountant, day: dt.date) -> None:
    start, end = payroll.month_period(day.strftime("%Y-%m"))
    with contextlib.suppress(DomainError):  # nothing to export this month
        payroll.payroll_export(
            actor=accountant, period_start=start, period_end=end, file_format="csv"
        )


@pytest.mark.django_db
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS, spent=st.sampled_from([D("0.00"), D("35.00"), D("120.00")]))
def test_ledger_money_recovered_never_exceeds_what_is_owed_and_ends_at_zero(
    ops, spent, returned_mission, accounting_assistant, accountant
):
    traveler = UserFactory(roles=[Role.TRAVELER], profile=True)
    mission = returned_mission(traveler)
    advance = mission.advances.get()
    calendar = duty_calendar()
    today = timezone.localdate()

    def position():
        return ledger.position_of(advance, today=today)

    def settle():
        settlement = services.settlement_start(actor=traveler, mission=mission)
        for kind in ("proof_of_travel", "mission_report"):
            services.settlement_attach_document(
                actor=traveler, settlement=settlement, kind=kind, upload=pdf_upload()
            )
        if spent:
            services.receipt_add(
                actor=traveler, settlement=settlement, **receipt_fields(amount=spent)
            )
        services.settlement_submit(actor=traveler, settlement=settlement)
        services.settlement_receive(actor=accounting_assistant, settlement=settlement, today=today)
        for receipt in settlement.receipts.all():
            services.receipt_review(actor=accountant, receipt=receipt, decision="accepted")
        services.settlement_review_finish(actor=accountant, settlement=settlement)
        services.settlement_settle(actor=accountant, settlement=settlement, today=today)

    def record():
        settlement = Settlement.objects.get(mission=mission)
        services.settlement_record_balance(actor=accountant, settlement=settlement, on=today)

    for op in ops:
        settlement = Settlement.objects.filter(mission=mission).first()
        if op == "sweep_march":
            _sweep(dt.date(2026, 3, 13))
        elif op == "sweep_late":
            _sweep(dt.date(2026, 3, 23))
        elif op == "sweep_after":
            _sweep(calendar.add_business_days(today, 20))
        elif op == "export":
            order = PayrollDeductionOrder.objects.filter(advance=advance).first()
            if order:
                _export(accountant, order.issued_on)
                # payroll never recovers more than what was owed when it exported
                assert position().owed >= 0 or position().movements.spent > 0
                assert position().movements.recovered <= advance.amount
        elif op == "settle" and settlement is None:
            settle()
        elif op == "record" and settlement and settlement.status == Settlement.Status.SETTLED:
            record()
        p = position()
        assert p.movements.recovered <= p.movements.disbursed

    # to the end: settle if not yet, then record whatever balance is left
    if not Settlement.objects.filter(mission=mission).exists():
        settle()
    settlement = Settlement.objects.get(mission=mission)
    if settlement.status == Settlement.Status.SETTLED:
        record()
    p = position()
    advance.refresh_from_db()
    settlement.refresh_from_db()
    assert p.owed == 0 and p.state == ledger.State.SETTLED
    assert advance.status == Advance.Status.SETTLED
    assert settlement.status == Settlement.Status.CLOSED
    m = p.movements
    assert m.disbursed + m.reimbursed == m.recovered + m.returned + m.spent
    assert not PayrollDeductionOrder.objects.filter(
        advance=advance, state__in=["pending", "stopped"]
    ).exists()
