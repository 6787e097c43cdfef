"""R-3.14 on every kind of event mission: a meal time the event covers is not paid, whether the
organization runs the event or another institution sponsors it (R-6). The worked examples
E1–E6 still come out exactly through the mission path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from missions.models import Destination, Mission
from missions.rules import LegInput, plan_per_diem
from tests.missions.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def ready(seed_rates, organization, project):
    return project


def nicaragua(**overrides) -> dict:
    """E6's trip: Nicaragua, 2026-03-02 07:00 → 2026-03-04 18:00 (Lima time)."""
    data = {
        "project": "PREVDA",
        "kind": "sponsored_event",
        "purpose": "Foro regional patrocinado",
        "expected_results": "Informe",
        "budget_line": "2.1.3",
        "departure_at": "2026-03-02T07:00:00-05:00",
        "return_at": "2026-03-04T18:00:00-05:00",
        "legs": [
            {
                "destination": "NI",
                "arrive_at": "2026-03-02T11:00:00-05:00",
                "leave_at": "2026-03-04T14:00:00-05:00",
            }
        ],
    }
    data.update(overrides)
    return data


def test_r_3_14_sponsored_event_that_covers_all_meals_pays_lodging_only(ready, traveler, as_user):
    response = as_user(traveler).post(
        "/api/v1/missions/",
        nicaragua(sponsor_daily_amount="0.00", all_meals_covered=True),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    perdiem = body["planned_perdiem"]
    assert (perdiem["lodging_total"], perdiem["meals_total"], perdiem["sponsor_total"]) == (
        "180.00",
        "0.00",
        "0.00",
    )
    assert body["planned_total"] == "180.00"
    meals = [line for line in perdiem["lines"] if line["concept"] == "meals"]
    assert {(line["rule"], line["amount"]) for line in meals} == {("R-3.14", "0.00")}
    mission = Mission.objects.get(pk=body["id"])
    assert mission.planned_total == D("180.00") and mission.all_meals_covered


def test_r_3_14_sponsored_event_covered_lunch_is_taken_off_before_the_r_6_complement(
    ready, traveler, as_user
):
    """E6 with lunch covered on 03-03: day totals 130, 110, 40 less the sponsor's 50 a day
    (never below zero) = 80 + 60 + 0."""
    response = as_user(traveler).post(
        "/api/v1/missions/",
        nicaragua(sponsor_daily_amount="50.00", meals_covered={"2026-03-03": ["lunch"]}),
        format="json",
    )

    assert response.status_code == 201, response.json()
    perdiem = response.json()["planned_perdiem"]
    assert (perdiem["lodging_total"], perdiem["meals_total"], perdiem["sponsor_total"]) == (
        "180.00",
        "100.00",
        "-140.00",
    )
    assert response.json()["planned_total"] == "140.00"
    lunch_day = [
        line
        for line in perdiem["lines"]
        if line["date"] == "2026-03-03" and line["concept"] == "meals"
    ]
    assert [(line["share"], line["amount"], line["rule"]) for line in lunch_day] == [
        ("0.50", "20.00", "R-3.14")
    ]


def _plan(code, departure, back, kind, **extra):
    destination = Destination.objects.get(code=code)
    legs = [LegInput(destination, departure, back)]
    return plan_per_diem(kind=kind, departure_at=departure, return_at=back, legs=legs, **extra)


COVERED_LUNCHES = {dt.date(2026, 3, 3): ["lunch"], dt.date(2026, 3, 4): ["lunch"]}
K = Mission.Kind


@pytest.mark.parametrize(
    ("example", "code", "departure", "back", "kind", "extra", "expected"),
    [
        ("E1", "SV-SAL", (2, 7, 30), (5, 19, 0), K.ORDINARY, {}, ("240.00", "160.00", "400.00")),
        ("E2", "CR-SJO", (2, 18, 0), (4, 8, 0), K.ORDINARY, {}, ("200.00", "66.53", "266.53")),
        ("E3", "GT", (2, 10, 0), (2, 15, 0), K.ORDINARY, {}, ("0.00", "26.66", "26.66")),
        (
            "E4",
            "PA",
            (2, 8, 0),
            (4, 20, 0),
            K.EVENT,
            {"meals_covered": COVERED_LUNCHES},
            ("200.00", "80.00", "280.00"),
        ),
        (
            "E4 sponsored, sponsor 0.00",
            "PA",
            (2, 8, 0),
            (4, 20, 0),
            K.SPONSORED_EVENT,
            {"meals_covered": COVERED_LUNCHES, "sponsor_daily_amount": D("0.00")},
            ("200.00", "80.00", "280.00"),
        ),
        (
            "E5",
            "HN-SPS",
            (2, 7, 0),
            (5, 18, 0),
            K.EVENT,
            {"all_meals_covered": True},
            ("270.00", "0.00", "270.00"),
        ),
        (
            "E5 sponsored, sponsor 0.00",
            "HN-SPS",
            (2, 7, 0),
            (5, 18, 0),
            K.SPONSORED_EVENT,
            {"all_meals_covered": True, "sponsor_daily_amount": D("0.00")},
            ("270.00", "0.00", "270.00"),
        ),
        (
            "E6",
            "NI",
            (2, 7, 0),
            (4, 18, 0),
            K.SPONSORED_EVENT,
            {"sponsor_daily_amount": D("50.00")},
            ("180.00", "120.00", "160.00"),
        ),
    ],
)
def test_worked_examples_e1_to_e6_through_the_mission_path(
    seed_rates, organization, example, code, departure, back, kind, extra, expected
):
    result = _plan(code, local(2026, 3, *departure), local(2026, 3, *back), kind, **extra)

    assert (str(result.lodging_total), str(result.meals_total), str(result.total)) == expected
