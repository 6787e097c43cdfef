"""GET /api/v1/deadlines/mine/ (R-3.3): the traveler's advances to settle, a page at a time like
every API list, in the order of the "What I owe" page (due date, then advance)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from deadlines import selectors as dashboard
from deadlines.models import DocumentationRequirement, PayrollDeductionOrder
from deadlines.rules import settlement_due_date
from missions.models import Advance, Mission
from tests.factories import ProjectFactory
from viaticos.business_days import duty_calendar

pytestmark = pytest.mark.django_db
URL = "/api/v1/deadlines/mine/"


def _owing(user, return_dates: list[dt.date], *, status=Advance.Status.DISBURSED) -> None:
    """Missions of `user` back on these dates, each with its advance paid and not settled.
    Built in bulk: one traveler never gets a second advance through the services while one is
    unsettled (R-3.11a), but the list has to hold whatever the database holds."""
    project = ProjectFactory()
    missions = Mission.objects.bulk_create(
        Mission(
            traveler=user,
            project=project,
            budget_line="2.1.1",
            purpose="Taller",
            expected_results="Informe",
            departure_at=timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
            - dt.timedelta(days=2),
            return_at=timezone.make_aware(dt.datetime.combine(day, dt.time(18))),
            status=Mission.Status.RETURNED,
        )
        for day in return_dates
    )
    Advance.objects.bulk_create(
        Advance(
            mission=mission,
            perdiem_amount=Decimal("400.00"),
            terminal_estimate=Decimal("50.00"),
            amount=Decimal("450.00"),
            status=status,
            requested_by=user,
            disbursed_on=mission.departure_at.date(),
        )
        for mission in missions
    )


def _all_pages(client) -> list[dict]:
    rows, url = [], URL
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


def test_my_deadlines_come_a_page_at_a_time_like_the_other_api_lists(api_client, traveler):
    today = timezone.localdate()
    _owing(traveler, [today - dt.timedelta(days=n) for n in range(1, 56)])
    api_client.force_authenticate(traveler)

    first = api_client.get(URL)
    missions = api_client.get("/api/v1/missions/")

    assert first.status_code == 200
    body = first.json()
    assert set(body) == set(missions.json()) == {"count", "next", "previous", "results"}
    assert body["count"] == 55 and len(body["results"]) == 50
    assert body["previous"] is None and body["next"].endswith(f"{URL}?page=2")
    second = api_client.get(body["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    assert second["previous"].endswith(URL)
    assert set(second["results"][0]) == {
        "advance",
        "mission",
        "amount",
        "owed",
        "state",
        "ledger",
        "return_date",
        "due_date",
        "business_days_left",
        "requirement",
        "deduction_order",
        "next_step",
    }


def test_my_deadlines_pages_keep_the_order_of_the_what_i_owe_page(api_client, traveler):
    """Earliest due date first, then by return time and advance: returns on a Friday, Saturday
    and Sunday share a due date, and the one back first comes first whatever the order in which
    the advances were created."""
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(0, 70)]
    random.Random(9).shuffle(days)  # creation order (pk) unrelated to the return date
    _owing(traveler, days)
    api_client.force_authenticate(traveler)

    listed = [(row["due_date"], row["advance"]) for row in _all_pages(api_client)]

    owed = Advance.objects.filter(mission__traveler=traveler).select_related("mission")
    expected = sorted(owed, key=lambda a: (a.mission.return_at, a.pk))
    assert [code for _due, code in listed] == [a.code for a in expected]
    assert [due for due, _code in listed] == sorted(due for due, _code in listed)
    page = dashboard.traveler_deadline_page(traveler, today=today, per_page=100)
    assert listed == [(d.due_date.isoformat(), d.advance.code) for d in page]
    assert len(listed) == 70
    calendar = duty_calendar()
    shared = {}
    for day in days:
        shared.setdefault(settlement_due_date(calendar, day), []).append(day)
    assert any(len(v) > 1 for v in shared.values())  # the case the order has to settle


def test_my_deadlines_list_only_my_advances_the_ledger_still_follows(
    api_client, traveler, other_traveler
):
    """SPEC §4: money out on a mission not back yet is owed too (with the due date it will
    have); a settled advance and another traveler's are not listed."""
    today = timezone.localdate()
    _owing(traveler, [today - dt.timedelta(days=3)])
    _owing(traveler, [today + dt.timedelta(days=3)])  # not back yet
    _owing(traveler, [today - dt.timedelta(days=9)], status=Advance.Status.SETTLED)
    _owing(other_traveler, [today - dt.timedelta(days=4)])
    api_client.force_authenticate(traveler)

    body = api_client.get(URL).json()

    back = Advance.objects.get(
        mission__traveler=traveler, mission__return_at__date=today - dt.timedelta(days=3)
    )
    away = Advance.objects.get(
        mission__traveler=traveler, mission__return_at__date=today + dt.timedelta(days=3)
    )
    assert body["count"] == 2
    assert [row["advance"] for row in body["results"]] == [back.code, away.code]
    assert body["results"][1]["amount"] == str(away.amount)
    assert body["results"][1]["due_date"] is not None


def test_my_deadlines_answer_an_empty_page_when_nothing_is_owed(api_client, traveler):
    api_client.force_authenticate(traveler)

    body = api_client.get(URL).json()

    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_my_deadlines_are_a_paginated_list_in_the_api_schema(client):
    schema = client.get("/api/schema/?format=json").json()

    response = schema["paths"][URL]["get"]["responses"]["200"]["content"]["application/json"]
    name = response["schema"]["$ref"].rsplit("/", 1)[-1]
    component = schema["components"]["schemas"][name]
    assert name == "PaginatedDeadlineOutList"
    assert {"count", "next", "previous", "results"} <= set(component["properties"])


def test_my_deadlines_show_requirements_and_deduction_orders_in_the_same_queries(
    api_client, traveler, monkeypatch, django_assert_max_num_queries
):
    """Long overdue advances carry a documentation requirement (R-3.4) and a payroll
    deduction order (R-8b): read with the page, not one by one."""
    monkeypatch.setattr("deadlines.notices.render_pdf", lambda *a, **k: b"%PDF-1.4 fake")
    today = timezone.localdate()
    _owing(traveler, [today - dt.timedelta(days=n) for n in range(30, 90)])
    calendar = duty_calendar()
    for day in (today - dt.timedelta(days=20), today):  # requirements, then deduction orders
        while not calendar.is_business_day(day):  # the job acts on business days only
            day -= dt.timedelta(days=1)
        call_command("enforce_deadlines", "--date", day.isoformat(), stdout=StringIO())
    api_client.force_authenticate(traveler)
    api_client.get(URL)  # per-process caches (calendar, content types) warm up first

    with django_assert_max_num_queries(8):
        body = api_client.get(URL).json()

    rows = body["results"]
    assert len(rows) == 50 and all(row["business_days_left"] < 0 for row in rows)
    requirements = dict(DocumentationRequirement.objects.values_list("advance_id", "id").order_by())
    orders = dict(
        PayrollDeductionOrder.objects.exclude(state="cancelled").values_list("advance_id", "id")
    )
    assert requirements and orders
    for row in rows:
        advance = Advance.objects.get(pk=int(row["advance"].removeprefix("A-")))
        expected_requirement = requirements.get(advance.pk)
        expected_order = orders.get(advance.pk)
        assert row["requirement"] == (
            f"RD-{expected_requirement:05d}" if expected_requirement else None
        )
        assert row["deduction_order"] == (f"OD-{expected_order:05d}" if expected_order else None)
    assert any(row["deduction_order"] for row in rows)
    assert "descuento por planilla" in " ".join(row["next_step"] for row in rows)
