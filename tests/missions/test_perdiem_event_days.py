"""Issue 17, defects 8 and 9: event meals on home-country missions (R-2c + R-3.14), and the
R-6 30 days counted on the event's days, so a sponsored trip that runs longer can be settled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from missions import services
from missions.models import Mission
from settlements import returns
from settlements import services as settlement_services
from tests.settlements.conftest import pdf_upload

pytestmark = pytest.mark.django_db

MISSION = {
    "project": "PREVDA",
    "kind": "home_country",
    "purpose": "Visita y taller",
    "expected_results": "Informe",
    "budget_line": "2.1.3",
    "departure_at": "2026-03-02T07:30:00-05:00",
    "return_at": "2026-03-05T19:00:00-05:00",
    "legs": [
        {
            "destination": "SV-SAL",
            "arrive_at": "2026-03-02T11:00:00-05:00",
            "leave_at": "2026-03-05T15:00:00-05:00",
        }
    ],
    "meals_covered": {"2026-03-03": ["lunch"], "2026-03-04": ["lunch", "dinner"]},
}


def test_r_2c_r_3_14_a_home_country_mission_takes_the_meals_the_event_covers(
    seed_rates, organization, project, traveler, api_client
):
    api_client.force_authenticate(traveler)
    quote = api_client.post(
        "/api/v1/per-diem/quote/",
        {
            "destination": "SV-SAL",
            "departure_at": "2026-03-02T07:30",
            "return_at": "2026-03-05T19:00",
            "meals_covered": MISSION["meals_covered"],
            "home_country_no_hotel": True,
        },
        format="json",
    ).json()
    response = api_client.post("/api/v1/missions/", MISSION, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    # E1 meals 160.00 − lunch 20.00 (03-03) − lunch and dinner 40.00 (03-04); no lodging (R-2c)
    assert body["planned_total"] == quote["total"] == "100.00"
    assert Mission.objects.get(pk=body["id"]).planned_total == D("100.00")


def test_r_6_a_sponsored_trip_whose_return_slips_past_30_days_records_its_actual_times(
    make_mission, traveler, coordinator, executive_secretary, api_client
):
    """The event (the planned trip: 4 days) is within R-6's 30 days; the traveler came back a
    month later: the actual times are recorded and the complement still applies."""
    mission = make_mission(kind=Mission.Kind.SPONSORED_EVENT, sponsor_daily_amount=D("50.00"))
    services.mission_attach_invitation(actor=traveler, mission=mission, upload=pdf_upload())
    services.mission_submit(actor=traveler, mission=mission)
    services.mission_authorize(actor=coordinator, mission=mission)
    services.mission_authorize(actor=executive_secretary, mission=mission)
    services.mission_start(actor=traveler, mission=mission)
    services.mission_mark_returned(actor=traveler, mission=mission)
    settlement = settlement_services.settlement_start(actor=traveler, mission=mission)
    back = timezone.make_aware(dt.datetime(2026, 4, 2, 19, 0))  # 32 mission days
    returns.mission_record_return(  # the trip ran longer than authorized: an extension
        actor=coordinator,
        mission=mission,
        kind="extension",
        at=back,
        today=dt.date(2026, 3, 6),
        reason="Vuelo cancelado",
    )

    api_client.force_authenticate(traveler)
    response = api_client.post(
        f"/api/v1/settlements/{settlement.pk}/times/",
        {"actual_departure_at": "2026-03-02T07:30", "actual_return_at": back.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    settlement.refresh_from_db()
    assert settlement.actual_return_at == back
    rules = {line["rule"] for line in settlement.perdiem["lines"]}
    assert "R-6" in rules  # the sponsor's amount still comes off each day
