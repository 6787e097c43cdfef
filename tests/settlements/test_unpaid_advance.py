"""An advance still unpaid when the settlement starts (R-3.3, R-3.11a, R-5): the settlement pays
the traveler what is owed, so the advance is cancelled and can no longer be disbursed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from missions import services as mission_services
from missions.models import Advance, MissionEvent
from missions.selectors import advances_pending_settlement, disbursement_queue
from settlements import services
from viaticos.errors import DomainError

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def unpaid_advance(authorized_mission, coordinator, finance_director):
    """An advance of the E1 mission left at `stage`; the mission then runs and comes back."""

    def make(stage="signed"):
        mission = authorized_mission()
        traveler = mission.traveler
        advance = mission_services.advance_request(
            actor=traveler, mission=mission, terminal_estimate=D("50.00")
        )
        if stage in ("approved", "signed"):
            mission_services.advance_approve(actor=coordinator, advance=advance)
            mission_services.advance_approve(actor=finance_director, advance=advance)
        if stage == "signed":
            mission_services.advance_sign(actor=traveler, advance=advance)
        mission_services.mission_start(actor=traveler, mission=mission)
        mission_services.mission_mark_returned(actor=traveler, mission=mission)
        advance.refresh_from_db()
        assert advance.status == stage
        return advance

    return make


@pytest.mark.parametrize("stage", ["requested", "approved", "signed"])
def test_r_3_3_settlement_start_cancels_the_unpaid_advance_and_reimburses_the_viaticos(
    unpaid_advance, traveler, stage
):
    advance = unpaid_advance(stage)

    settlement = services.settlement_start(actor=traveler, mission=advance.mission)

    advance.refresh_from_db()
    assert advance.status == Advance.Status.CANCELLED
    assert settlement.code in advance.status_reason
    event = MissionEvent.objects.get(advance=advance, action=MissionEvent.Action.ADVANCE_CANCELLED)
    assert event.actor == traveler and event.comment == advance.status_reason
    assert settlement.advance_id is None and settlement.advance_amount == D("0.00")
    # 0 − (400.00 + 0.00): the organization reimburses the viáticos, once.
    assert settlement.balance == D("-400.00")


def test_r_3_11a_an_advance_cannot_be_disbursed_once_its_mission_settlement_started(
    unpaid_advance, traveler, treasurer, authorized_mission
):
    advance = unpaid_advance("signed")
    services.settlement_start(actor=traveler, mission=advance.mission)

    with pytest.raises(DomainError) as refused:
        mission_services.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=dt.date(2026, 3, 6),
            method="transfer",
            reference="OP-13",
        )
    assert refused.value.code == "settlement_started"
    # Even an advance left "signed" by an older version of the product is not paid.
    Advance.objects.filter(pk=advance.pk).update(status=Advance.Status.SIGNED)
    with pytest.raises(DomainError) as refused:
        mission_services.advance_disburse(
            actor=treasurer,
            advance=advance,
            disbursed_on=dt.date(2026, 3, 6),
            method="transfer",
            reference="OP-13",
        )
    assert refused.value.code == "settlement_started"
    advance.refresh_from_db()
    assert advance.status == Advance.Status.SIGNED and advance.disbursed_at is None
    # Nothing pending settlement: the traveler's next advance is not blocked (R-3.11a).
    assert advances_pending_settlement(traveler=traveler) == []
    nxt = mission_services.advance_request(
        actor=traveler, mission=authorized_mission(), terminal_estimate=D("10.00")
    )
    assert nxt.status == Advance.Status.REQUESTED


def test_r_5_treasury_no_longer_lists_an_advance_whose_settlement_started(
    client, unpaid_advance, traveler, treasurer
):
    advance = unpaid_advance("signed")
    assert advance in disbursement_queue()

    services.settlement_start(actor=traveler, mission=advance.mission)

    assert advance not in disbursement_queue()
    client.force_login(treasurer)
    page = client.get(reverse("missions:disbursements")).content.decode()
    assert advance.code not in page


def test_r_3_11a_disbursing_through_the_api_after_the_settlement_started_is_a_clear_400(
    api_client, unpaid_advance, traveler, treasurer
):
    advance = unpaid_advance("signed")
    services.settlement_start(actor=traveler, mission=advance.mission)
    api_client.force_authenticate(treasurer)

    response = api_client.post(
        f"/api/v1/advances/{advance.pk}/disburse/",
        {"disbursed_on": "2026-03-06", "method": "transfer", "reference": "OP-13"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "settlement_started"
    assert "settlement" in response.json()["detail"]
