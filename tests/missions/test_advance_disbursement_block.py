"""R-3.11a at disbursement: two advances may be requested side by side, but Treasury cannot pay
the second while the first is pending settlement (the concurrent version is in
tests/concurrency/)."""

import datetime as dt
from decimal import Decimal

import pytest

from missions import services
from missions.models import Advance, Mission

DISBURSE = {"disbursed_on": "2026-02-27", "method": "transfer", "reference": "OP-9"}


@pytest.fixture
def two_signed(authorized_mission, coordinator, finance_director):
    def make(**second):
        missions = [authorized_mission(), authorized_mission(**second)]
        advances = []
        for mission in missions:  # both requested while nothing is pending settlement
            advance = services.advance_request(
                actor=mission.traveler, mission=mission, terminal_estimate=Decimal("10.00")
            )
            services.advance_approve(actor=coordinator, advance=advance)
            services.advance_approve(actor=finance_director, advance=advance)
            services.advance_sign(actor=mission.traveler, advance=advance)
            advances.append(advance)
        return advances

    return make


def test_r_3_11a_second_advance_is_not_disbursed_while_the_first_is_pending_settlement(
    two_signed, treasurer, api_client
):
    first, second = two_signed()
    api_client.force_authenticate(treasurer)
    assert api_client.post(f"/api/v1/advances/{first.pk}/disburse/", DISBURSE).status_code == 200

    refused = api_client.post(f"/api/v1/advances/{second.pk}/disburse/", DISBURSE)

    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "advance_pending_settlement"
    assert first.code in body["detail"] and "R-3.11a" in body["detail"]
    second.refresh_from_db()
    assert second.status == Advance.Status.SIGNED
    assert not second.events.filter(action="advance_disbursed").exists()


def test_r_7b_an_emergency_advance_is_disbursed_even_with_one_pending_settlement(
    two_signed, treasurer
):
    first, emergency = two_signed(kind=Mission.Kind.EMERGENCY)
    for advance in (first, emergency):
        services.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=dt.date(2026, 2, 27),
            method="transfer",
            reference="OP-18",
        )
    emergency.refresh_from_db()
    assert emergency.status == Advance.Status.DISBURSED
