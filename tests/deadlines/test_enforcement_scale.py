"""enforce_deadlines is set-based: the same query bound for 10 and for 1,000 overdue missions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from deadlines.models import DocumentationRequirement, PayrollDeductionOrder, Sanction
from missions.models import Advance, Mission
from tests.factories import ProjectFactory, UserFactory
from viaticos.models import TravelerProfile
from viaticos.roles import Role

pytestmark = pytest.mark.django_db

# Whatever the number of missions (one batch of up to 1,000 advances per transaction).
MAX_QUERIES = 20


@pytest.fixture(autouse=True)
def _fake_pdf(monkeypatch):
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")


@pytest.fixture(autouse=True)
def _modern_sqlite_limit(monkeypatch):
    """Django's SQLite backend assumes the pre-3.32 limit of 999 parameters per statement and
    splits bulk inserts accordingly; SQLite >= 3.32 allows 32,766. PostgreSQL is unaffected."""
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "max_query_params", 32_766)


def overdue_missions(n: int, coordinator) -> None:
    project = ProjectFactory(coordinator=coordinator)
    travelers = [
        UserFactory(username=f"t{i}", roles=[Role.TRAVELER], profile=True) for i in range(10)
    ]
    TravelerProfile.objects.filter(user__in=travelers[:3]).update(
        entity_kind=TravelerProfile.EntityKind.CO_EXECUTING, entity_name="Entidad Coejecutora"
    )
    back = timezone.make_aware(dt.datetime(2026, 3, 5, 19, 0))
    missions = Mission.objects.bulk_create(
        Mission(
            traveler=travelers[i % len(travelers)],
            project=project,
            budget_line="2.1.3",
            purpose="Taller",
            expected_results="Plan",
            departure_at=back - dt.timedelta(days=3),
            return_at=back,
            status=Mission.Status.RETURNED,
            planned_total=D("400.00"),
        )
        for i in range(n)
    )
    Advance.objects.bulk_create(
        Advance(
            mission=mission,
            perdiem_amount=D("400.00"),
            terminal_estimate=D("50.00"),
            amount=D("450.00"),
            status=Advance.Status.DISBURSED,
            requested_by=mission.traveler,
            disbursed_on=dt.date(2026, 2, 27),
        )
        for mission in missions
    )


def run(date: str) -> None:
    call_command("enforce_deadlines", "--date", date, stdout=StringIO())


@pytest.mark.parametrize("n", [10, 1000])
def test_query_count_is_the_same_for_10_and_1000_overdue_missions(
    n, coordinator, django_assert_max_num_queries
):
    overdue_missions(n, coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        run("2026-03-11")  # reminders
    with django_assert_max_num_queries(MAX_QUERIES):
        run("2026-03-13")  # requirements and entity blocks
    assert DocumentationRequirement.objects.count() == n
    with django_assert_max_num_queries(MAX_QUERIES):
        run("2026-03-23")  # deduction orders
    assert PayrollDeductionOrder.objects.count() == n
    assert Sanction.objects.filter(kind="co_executing_block").count() == (
        3 * n // 10 if n >= 10 else 0
    )
    with django_assert_max_num_queries(MAX_QUERIES):
        run("2026-03-23")  # second run: nothing to write
    assert PayrollDeductionOrder.objects.count() == n
