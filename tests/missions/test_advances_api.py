"""Advances through the API: eligibility (R-3.11, R-7b), approvals, signature (R-3.1),
disbursement, emergencies (R-5), suspension and cancellation (R-4)."""

from decimal import Decimal

import pytest

from missions import services
from missions.models import Advance, Mission

DISBURSE = {"disbursed_on": "2026-02-27", "method": "transfer", "reference": "OP-77"}


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def request_advance(api, mission, estimate="50.00"):
    return api.post(
        "/api/v1/advances/", {"mission": mission.pk, "terminal_estimate": estimate}, format="json"
    )


def test_r_3_1_advance_approved_by_coordinator_and_finance_signed_then_disbursed(
    authorized_mission,
    traveler,
    coordinator,
    finance_director,
    treasurer,
    as_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    mission = authorized_mission()
    with django_capture_on_commit_callbacks(execute=True):
        response = request_advance(as_user(traveler), mission)
    assert response.status_code == 201, response.json()
    advance = response.json()
    assert advance["amount"] == "450.00" and advance["perdiem_amount"] == "400.00"
    assert finance_director.email in {a for m in mailoutbox for a in m.to}
    url = f"/api/v1/advances/{advance['id']}"
    early = as_user(treasurer).post(f"{url}/disburse/", DISBURSE)
    assert early.status_code == 400 and early.json()["code"] == "wrong_state"
    assert as_user(coordinator).post(f"{url}/approve/").json()["status"] == "requested"
    assert as_user(treasurer).post(f"{url}/sign/").status_code == 400
    assert as_user(finance_director).post(f"{url}/approve/").json()["status"] == "approved"
    not_signed = as_user(treasurer).post(f"{url}/disburse/", DISBURSE)
    assert not_signed.status_code == 400
    refused = as_user(coordinator).post(f"{url}/sign/")
    assert refused.status_code == 400 and refused.json()["code"] == "not_requester"
    assert as_user(traveler).post(f"{url}/sign/").json()["status"] == "signed"
    paid = as_user(treasurer).post(f"{url}/disburse/", DISBURSE).json()
    assert paid["status"] == "disbursed" and paid["reference"] == "OP-77"
    assert paid["disbursed_by"] == treasurer.username and paid["disbursed_on"] == "2026-02-27"


def test_double_click_on_disburse_pays_once(signed_advance, treasurer, as_user):
    advance = signed_advance()
    api = as_user(treasurer)
    assert api.post(f"/api/v1/advances/{advance.pk}/disburse/", DISBURSE).status_code == 200
    second = api.post(f"/api/v1/advances/{advance.pk}/disburse/", DISBURSE)
    assert second.status_code == 400 and second.json()["code"] == "wrong_state"
    assert advance.events.filter(action="advance_disbursed").count() == 1


def test_double_click_on_approve_has_no_second_effect(
    authorized_mission, traveler, finance_director, as_user
):
    advance = request_advance(as_user(traveler), authorized_mission()).json()
    api = as_user(finance_director)
    assert api.post(f"/api/v1/advances/{advance['id']}/approve/").status_code == 200
    second = api.post(f"/api/v1/advances/{advance['id']}/approve/")
    assert second.status_code == 400 and second.json()["code"] == "already_decided"


def test_only_treasury_disburses(signed_advance, finance_director, as_user):
    advance = signed_advance()
    response = as_user(finance_director).post(f"/api/v1/advances/{advance.pk}/disburse/", DISBURSE)
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"


def test_advance_rejected_with_reason(authorized_mission, traveler, coordinator, as_user):
    advance = request_advance(as_user(traveler), authorized_mission()).json()
    response = as_user(coordinator).post(
        f"/api/v1/advances/{advance['id']}/reject/", {"reason": "Monto excesivo"}
    )
    assert response.json()["status"] == "rejected"
    assert response.json()["status_reason"] == "Monto excesivo"


def test_nobody_approves_their_own_advance(authorized_mission, coordinator, as_user):
    from missions.models import Advance as A

    mission = authorized_mission()
    advance = request_advance(as_user(mission.traveler), mission).json()
    own = as_user(mission.traveler).post(f"/api/v1/advances/{advance['id']}/approve/")
    assert own.status_code == 403 and own.json()["code"] == "own_request"
    assert A.objects.get(pk=advance["id"]).coordinator_approved_at is None


def test_r_3_11b_advance_refused_for_a_mission_not_authorized(make_mission, traveler, as_user):
    mission = make_mission()
    response = request_advance(as_user(traveler), mission)
    assert response.status_code == 400 and response.json()["code"] == "mission_not_authorized"
    assert "R-3.11b" in response.json()["detail"]


def test_r_3_11c_advance_refused_without_the_invitation(authorized_mission, traveler, as_user):
    mission = authorized_mission()
    Mission.objects.filter(pk=mission.pk).update(kind=Mission.Kind.EVENT)
    response = request_advance(as_user(traveler), mission)
    assert response.status_code == 400 and response.json()["code"] == "invitation_missing"


def test_r_3_11a_advance_refused_while_previous_one_is_unsettled_naming_the_mission(
    disbursed_advance, authorized_mission, traveler, as_user, client
):
    pending = disbursed_advance()
    mission = authorized_mission()
    response = request_advance(as_user(traveler), mission)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "advance_pending_settlement"
    assert pending.mission.code in body["detail"] and "R-3.11a" in body["detail"]
    assert not Advance.objects.filter(mission=mission).exists()
    # The same refusal on the page, in Spanish, saying how to settle it.
    client.force_login(traveler)
    page = client.post(
        f"/misiones/{mission.pk}/request_advance/", {"terminal_estimate": "10"}, follow=True
    )
    text = page.content.decode()
    assert pending.mission.code in text and "liquidación" in text


def test_r_3_11a_settled_advance_no_longer_blocks(
    disbursed_advance, authorized_mission, traveler, accountant, as_user
):
    pending = disbursed_advance()
    services.advance_mark_settled(actor=accountant, advance=pending)
    assert request_advance(as_user(traveler), authorized_mission()).status_code == 201


def test_r_7b_emergency_authorized_by_secretary_and_coordinator_is_exempt(
    disbursed_advance, authorized_mission, traveler, as_user
):
    disbursed_advance()
    emergency = authorized_mission(kind=Mission.Kind.EMERGENCY)
    assert emergency.is_emergency and emergency.is_authorized_by_both
    response = request_advance(as_user(traveler), emergency)
    assert response.status_code == 201, response.json()
    assert response.json()["priority"] is True


def test_r_7b_an_emergency_not_yet_qualified_is_not_exempt(
    disbursed_advance, authorized_mission, traveler, as_user
):
    disbursed_advance()
    mission = authorized_mission()
    Mission.objects.filter(pk=mission.pk).update(kind=Mission.Kind.EMERGENCY)
    mission.refresh_from_db()
    response = request_advance(as_user(traveler), mission)
    assert response.json()["code"] == "advance_pending_settlement"


def test_r_5_emergency_qualified_by_secretary_starts_without_advance_and_is_first_for_treasury(
    signed_advance,
    authorized_mission,
    treasurer,
    coordinator,
    finance_director,
    as_user,
    client,
):
    ordinary = signed_advance()
    emergency = authorized_mission(kind=Mission.Kind.EMERGENCY)
    events = set(emergency.events.values_list("action", flat=True))
    assert "emergency_qualified" in events
    started = as_user(emergency.traveler).post(f"/api/v1/missions/{emergency.pk}/start/")
    assert started.json()["status"] == "in_progress"  # no advance needed
    # Now in progress, the emergency advance is still processed — as a priority.
    Advance.objects.filter(pk=ordinary.pk).update(status=Advance.Status.SIGNED)
    advance = services.advance_request(
        actor=emergency.traveler, mission=emergency, terminal_estimate=Decimal("0")
    )
    services.advance_approve(actor=coordinator, advance=advance)
    services.advance_approve(actor=finance_director, advance=advance)
    services.advance_sign(actor=emergency.traveler, advance=advance)
    client.force_login(treasurer)
    page = client.get("/tesoreria/desembolsos/")
    rows = page.context["advances"]
    assert [a.pk for a in rows] == [advance.pk, ordinary.pk]


def test_r_4_suspension_after_disbursement_makes_the_money_a_debt_to_return(
    disbursed_advance,
    executive_secretary,
    treasurer,
    as_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    advance = disbursed_advance()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(executive_secretary).post(
            f"/api/v1/missions/{advance.mission_id}/suspend/", {"reason": "Emergencia sanitaria"}
        )
    assert response.json()["status"] == "suspended"
    advance.refresh_from_db()
    assert advance.status == Advance.Status.RETURN_DUE
    assert advance.return_due_amount == advance.amount
    assert treasurer.email in {a for m in mailoutbox for a in m.to}
    returned = as_user(treasurer).post(
        f"/api/v1/advances/{advance.pk}/record-return/",
        {"returned_on": "2026-03-01", "reference": "DEP-9"},
    )
    assert returned.json()["status"] == "returned"


def test_r_4_money_spent_before_suspension_requires_a_settlement(
    disbursed_advance, coordinator, as_user
):
    advance = disbursed_advance()
    as_user(coordinator).post(
        f"/api/v1/missions/{advance.mission_id}/suspend/",
        {"reason": "Cambio de agenda", "amount_spent": "120.00"},
    )
    advance.refresh_from_db()
    assert advance.status == Advance.Status.DISBURSED and advance.settlement_required
    assert advance.events.filter(action="advance_settlement_required").exists()


def test_r_4_cancelling_before_payment_cancels_the_advance(signed_advance, traveler, as_user):
    advance = signed_advance()
    response = as_user(traveler).post(
        f"/api/v1/missions/{advance.mission_id}/cancel/", {"reason": "Evento postergado"}
    )
    assert response.json()["status"] == "cancelled"
    advance.refresh_from_db()
    assert advance.status == Advance.Status.CANCELLED


def test_r_4_traveler_cannot_suspend_own_mission(authorized_mission, traveler, as_user):
    mission = authorized_mission()
    response = as_user(traveler).post(f"/api/v1/missions/{mission.pk}/suspend/", {"reason": "x"})
    assert response.status_code == 403 and response.json()["code"] == "own_request"


def test_advance_list_api_runs_a_constant_number_of_queries(
    signed_advance, treasurer, as_user, django_assert_max_num_queries
):
    for _ in range(4):
        advance = signed_advance()
        Advance.objects.filter(pk=advance.pk).update(status=Advance.Status.SETTLED)
    api = as_user(treasurer)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/advances/")
    assert response.json()["count"] == 4
