"""SPEC §2.5: missions authorized at the same moment against the last funds of a budget line
commit once. The line's row lock serializes the check "is it still available?" and the
commitment; without it each authorization would see the funds free.

PostgreSQL only (SQLite serializes every write); skipped visibly elsewhere, failing in CI."""

import datetime as dt
from decimal import Decimal

import pytest

from missions import services as mission_services
from missions.budget_selectors import figures_of
from missions.models import BudgetLine, Mission

N = 6
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_authorizations_against_the_last_funds_of_a_line_commit_once(
    make_mission, project, coordinator, executive_secretary, race
):
    # 500.00 left: room for one mission of 400.00, not two
    line = BudgetLine.objects.create(
        project=project,
        code="2.1.3",
        description="Viajes",
        amount=Decimal("500.00"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    missions = []
    for _ in range(N):
        mission = make_mission()
        mission_services.mission_submit(
            actor=mission.traveler, mission=mission, overlap_reason="Misiones paralelas"
        )
        mission_services.mission_authorize(actor=coordinator, mission=mission)
        missions.append(mission)

    outcomes = race(
        N,
        lambda i: mission_services.mission_authorize(
            actor=executive_secretary, mission=missions[i]
        ),
    )

    assert outcomes == {"ok": 1, "budget_line_exceeded": N - 1}, outcomes
    assert Mission.objects.filter(status=Mission.Status.AUTHORIZED).count() == 1
    figures = figures_of(line)
    assert figures.committed == Decimal("400.00") and figures.available == Decimal("100.00")
