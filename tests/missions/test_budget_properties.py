"""SPEC §2.5, property test (hypothesis): whatever missions are authorized, overridden,
cancelled, suspended or settled against a line, what is committed and spent never exceeds
the approved amount except by overrides the Finance Director granted and recorded (with a
reason, on the mission's timeline)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missions import budgets, services
from missions.models import BudgetLine, Mission, MissionEvent
from tests.factories import ProjectFactory
from viaticos.errors import DomainError

OPS = st.lists(
    st.tuples(
        st.sampled_from(["authorize", "override", "cancel", "suspend", "settle", "advance"]),
        st.integers(min_value=0, max_value=2),
        st.sampled_from([D("0.00"), D("150.00"), D("400.00")]),
    ),
    max_size=8,
)


def check_invariant(line: BudgetLine) -> None:
    sums = Mission.objects.filter(line=line).aggregate(
        c=Sum("budget_committed"), s=Sum("budget_spent"), o=Sum("budget_override")
    )
    used = (sums["c"] or 0) + (sums["s"] or 0)
    assert used <= line.amount + (sums["o"] or 0)
    for mission in Mission.objects.filter(line=line, budget_override__gt=0):
        event = mission.events.filter(action=MissionEvent.Action.BUDGET_OVERRIDE).first()
        assert event is not None and event.comment, mission


@pytest.mark.django_db
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS, approved=st.sampled_from([D("300.00"), D("800.00"), D("1200.00")]))
def test_commitments_and_spend_never_exceed_approved_without_a_recorded_override(
    ops, approved, make_mission, coordinator, executive_secretary, finance_director, accountant
):
    project = ProjectFactory(coordinator=coordinator)
    line = BudgetLine.objects.create(
        project=project,
        code="2.1.3",
        description="Viajes",
        amount=approved,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    missions = []
    for _ in range(3):  # 400.00 each (E1)
        mission = make_mission(proj=project)
        services.mission_submit(
            actor=mission.traveler, mission=mission, overlap_reason="Misiones paralelas"
        )
        services.mission_authorize(actor=coordinator, mission=mission)
        missions.append(mission)

    for op, index, amount in ops:
        mission = Mission.objects.get(pk=missions[index].pk)
        try:
            if op == "authorize":
                services.mission_authorize(actor=executive_secretary, mission=mission)
            elif op == "override":
                budgets.budget_override_grant(
                    actor=finance_director, mission=mission, reason="Prioridad del donante"
                )
            elif op == "cancel":
                services.mission_cancel(actor=coordinator, mission=mission, reason="Aplazada")
            elif op == "suspend":
                services.mission_suspend(
                    actor=coordinator, mission=mission, reason="Lluvias", amount_spent=amount
                )
            elif op == "advance":
                services.advance_request(
                    actor=mission.traveler, mission=mission, terminal_estimate=amount
                )
            elif op == "settle" and mission.budget_committed:
                # a settlement recognizes at most what was planned here (an actual cost above
                # the plan is spent money: recorded, shown as a negative available)
                budgets.spend(
                    mission=mission, actor=accountant, amount=min(amount, mission.budget_committed)
                )
        except DomainError:
            pass  # refused: nothing changed (checked by the invariant)
        check_invariant(line)
