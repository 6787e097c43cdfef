"""R-4: the settlement of a mission stopped with money spent. A trip that never started earns no
viáticos (only receipts count); one suspended during the trip is paid from the actual times."""

from decimal import Decimal

import pytest
from django.urls import reverse

from missions import services as mission_services
from settlements import services
from tests.settlements.conftest import local, receipt_fields
from viaticos.errors import DomainError

D = Decimal
pytestmark = pytest.mark.django_db


def test_r_4_mission_cancelled_before_it_started_recognizes_no_viaticos(
    disbursed_advance, traveler, coordinator
):
    advance = disbursed_advance()  # 450.00 for E1 (400.00 planned viáticos)
    mission = advance.mission
    mission_services.mission_cancel(
        actor=coordinator, mission=mission, reason="Evento cancelado", amount_spent=D("35.00")
    )

    settlement = services.settlement_start(actor=traveler, mission=mission)

    assert settlement.viaticos_recognized == D("0.00")
    assert settlement.perdiem["lines"] == [] and settlement.perdiem["total"] == "0.00"
    services.receipt_add(actor=traveler, settlement=settlement, **receipt_fields())  # 35.00
    # Entering times does not turn a trip never made into days of per diem.
    services.settlement_set_times(
        actor=traveler,
        settlement=settlement,
        actual_departure_at=local(2026, 3, 2, 7, 30),
        actual_return_at=local(2026, 3, 2, 7, 31),
    )
    settlement.refresh_from_db()
    assert settlement.viaticos_recognized == D("0.00")
    assert settlement.balance == D("415.00")  # 450 − (0 + 35): the traveler returns it
    with pytest.raises(DomainError) as refused:  # times are still checked
        services.settlement_set_times(
            actor=traveler,
            settlement=settlement,
            actual_departure_at=local(2026, 3, 2, 7, 30),
            actual_return_at=local(2026, 3, 2, 7, 30),
        )
    assert refused.value.code == "return_before_departure"


def test_r_4_mission_suspended_before_it_started_recognizes_no_viaticos(
    disbursed_advance, traveler, coordinator, client
):
    advance = disbursed_advance()
    mission = advance.mission
    mission_services.mission_suspend(
        actor=coordinator, mission=mission, reason="Sin fondos", amount_spent=D("20.00")
    )

    settlement = services.settlement_start(actor=traveler, mission=mission)

    assert settlement.viaticos_recognized == D("0.00")
    client.force_login(traveler)
    page = client.get(
        reverse("settlements:detail", args=[settlement.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "stopped before it started" in page


def test_r_4_mission_suspended_during_the_trip_is_paid_from_the_actual_times(
    disbursed_advance, traveler, coordinator
):
    advance = disbursed_advance()
    mission = advance.mission
    mission_services.mission_start(actor=traveler, mission=mission)
    mission_services.mission_suspend(
        actor=coordinator, mission=mission, reason="Emergencia", amount_spent=D("200.00")
    )

    settlement = services.settlement_start(actor=traveler, mission=mission)
    assert settlement.viaticos_recognized == D("400.00")  # planned times until corrected
    services.settlement_set_times(
        actor=traveler,
        settlement=settlement,
        actual_departure_at=local(2026, 3, 2, 7, 30),
        actual_return_at=local(2026, 3, 3, 19, 0),
    )
    settlement.refresh_from_db()
    # San Salvador: 1 night × 80.00 + meals 40.00 (before 09:00) + 40.00 (back after 17:00)
    assert settlement.viaticos_recognized == D("160.00")


def test_r_4_a_negative_amount_spent_is_refused_with_its_field(disbursed_advance, coordinator):
    mission = disbursed_advance().mission
    with pytest.raises(DomainError) as refused:
        mission_services.mission_cancel(
            actor=coordinator, mission=mission, reason="Evento cancelado", amount_spent=D("-1.00")
        )
    assert refused.value.code == "negative_amount"
    assert refused.value.field == "amount_spent"


def test_r_3_3_a_return_of_an_unknown_kind_is_refused_with_its_field(disbursed_advance, traveler):
    from django.utils import timezone

    from settlements import returns

    mission = disbursed_advance().mission
    with pytest.raises(DomainError) as refused:
        returns.mission_record_return(
            actor=traveler,
            mission=mission,
            kind="teleported",
            at=timezone.now(),
            today=timezone.localdate(),
        )
    assert refused.value.code == "invalid_kind"
    assert refused.value.field == "kind"
