from decimal import Decimal

from missions import services
from missions.models import Advance, Mission


def test_full_flow_through_services(disbursed_advance, accountant):
    advance = disbursed_advance()
    mission = advance.mission
    assert mission.status == Mission.Status.AUTHORIZED
    assert mission.planned_total == Decimal("400.00")
    assert advance.amount == Decimal("450.00")
    assert advance.status == Advance.Status.DISBURSED
    services.mission_start(actor=mission.traveler, mission=mission)
    services.mission_mark_returned(actor=mission.traveler, mission=mission)
    services.advance_mark_settled(actor=accountant, advance=advance)
    services.mission_close(actor=accountant, mission=mission)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.CLOSED
    assert mission.events.count() == 13
