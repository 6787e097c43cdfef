"""Rules that had no test named after them: R-2d (relocation once per contract), R-3.11 (the
three conditions of an advance together), R-7a (no full daily quota for a fraction of a day)
and R-3.2 (who may receive per diem)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from missions import services
from missions.models import Mission
from missions.perdiem import DailyRate, Leg, compute_per_diem
from viaticos.errors import DomainError
from viaticos.models import TravelerProfile


def test_r_2d_repatriation_pays_no_per_diem_and_is_paid_once_per_contract(make_mission, traveler):
    first = make_mission(kind=Mission.Kind.REPATRIATION)
    assert first.planned_total == Decimal("0.00")  # paid against invoices, not as per diem
    with pytest.raises(DomainError) as refused:
        make_mission(kind=Mission.Kind.REPATRIATION)
    assert refused.value.code == "relocation_already_used"
    services.mission_cancel(actor=traveler, mission=first, reason="Contrato renovado")
    assert make_mission(kind=Mission.Kind.REPATRIATION).pk  # a cancelled one does not count


def test_r_3_11_an_advance_is_granted_only_when_all_three_conditions_hold(
    make_mission, authorized_mission, disbursed_advance, api_client, traveler
):
    api_client.force_authenticate(traveler)

    def request(mission):
        return api_client.post(
            "/api/v1/advances/",
            {"mission": mission.pk, "terminal_estimate": "20.00"},
            format="json",
        )

    draft = make_mission()
    assert request(draft).json()["code"] == "mission_not_authorized"  # (b)
    event = authorized_mission()
    Mission.objects.filter(pk=event.pk).update(kind=Mission.Kind.EVENT)
    assert request(event).json()["code"] == "invitation_missing"  # (c)
    granted = request(authorized_mission())
    assert granted.status_code == 201, granted.json()
    disbursed_advance()  # another mission's advance, now pending settlement
    refused = request(authorized_mission())
    assert refused.status_code == 400 and refused.json()["code"] == "advance_pending_settlement"


GT = DailyRate(Decimal("80.00"), Decimal("40.00"))


def _meals(departure: str, back: str) -> list[Decimal]:
    dep, ret = dt.datetime.fromisoformat(departure), dt.datetime.fromisoformat(back)
    result = compute_per_diem(departure_at=dep, return_at=ret, legs=[Leg(dep.date(), GT)])
    return [line.factor for line in result.lines if line.concept == "meals"]


@pytest.mark.parametrize(
    "departure, back, factors",
    [
        ("2026-03-02T10:00", "2026-03-02T15:00", ["0.6666"]),  # E3: same day, a fraction
        ("2026-03-02T08:00", "2026-03-02T12:00", ["0.6666"]),  # the smaller of 100% and 66.66%
        ("2026-03-02T18:00", "2026-03-03T08:00", ["0.3333", "0.33"]),  # evening out, early back
    ],
)
def test_r_7a_a_fraction_of_a_day_never_earns_the_full_daily_quota(departure, back, factors):
    assert [str(f) for f in _meals(departure, back)] == factors


def test_r_3_2_travelers_are_staff_consultants_event_support_or_partner_staff(traveler):
    assert set(TravelerProfile.Kind.values) == {
        "staff",
        "consultant",
        "event_support",
        "partner_staff",
    }
    profile = traveler.traveler_profile
    profile.kind = "volunteer"
    with pytest.raises(ValidationError) as invalid:
        profile.full_clean()
    assert "kind" in invalid.value.message_dict
