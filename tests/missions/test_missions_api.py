"""Missions through the API: creation, itinerary checks, authorization by both, access."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from missions.models import Destination, Mission, MissionEvent
from tests.factories import ProjectFactory, UserFactory, pdf_bytes
from viaticos.roles import Role

PDF = pdf_bytes(title="carta")


def payload(project="PREVDA", dest="SV-SAL", **overrides):
    data = {
        "project": project,
        "kind": "ordinary",
        "purpose": "Taller regional",
        "expected_results": "Plan de acción",
        "budget_line": "2.1.3",
        "departure_at": "2026-03-02T07:30:00-05:00",
        "return_at": "2026-03-05T19:00:00-05:00",
        "legs": [
            {
                "destination": dest,
                "arrive_at": "2026-03-02T11:00:00-05:00",
                "leave_at": "2026-03-05T15:00:00-05:00",
            }
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def ready(seed_rates, organization, project):
    return project


def test_traveler_creates_a_draft_with_the_planned_per_diem_line_by_line(ready, traveler, as_user):
    response = as_user(traveler).post("/api/v1/missions/", payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["planned_total"] == "400.00"
    assert len(body["planned_perdiem"]["lines"]) == 7
    assert body["planned_perdiem"]["lines"][0]["rule"] == "R-3.9"
    mission = Mission.objects.get(pk=body["id"])
    assert mission.traveler == traveler and mission.legs.count() == 1
    assert mission.history.first().history_user == traveler


def test_multi_destination_itinerary_takes_the_rate_where_the_night_is_spent(
    ready, traveler, as_user
):
    legs = [
        {"destination": "GT", "arrive_at": "2026-03-02T10:00", "leave_at": "2026-03-03T16:00"},
        {"destination": "PA", "arrive_at": "2026-03-03T19:00", "leave_at": "2026-03-04T12:00"},
    ]
    response = as_user(traveler).post(
        "/api/v1/missions/",
        payload(departure_at="2026-03-02T07:00", return_at="2026-03-04T20:00", legs=legs),
        format="json",
    )
    assert response.status_code == 201, response.json()
    lodging = [
        line["rate"]
        for line in response.json()["planned_perdiem"]["lines"]
        if line["concept"] == "lodging"
    ]
    assert lodging[0] != lodging[1]  # Guatemala the first night, Panamá the second


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"return_at": "2026-03-01T19:00:00-05:00"}, "return_before_departure"),
        (
            {
                "legs": [
                    {
                        "destination": "SV-SAL",
                        "arrive_at": "2026-03-01T11:00:00-05:00",
                        "leave_at": "2026-03-05T15:00:00-05:00",
                    }
                ]
            },
            "itinerary_not_from_duty_station",
        ),
        (
            {
                "legs": [
                    {
                        "destination": "SV-SAL",
                        "arrive_at": "2026-03-02T11:00:00-05:00",
                        "leave_at": "2026-03-06T15:00:00-05:00",
                    }
                ]
            },
            "itinerary_not_back_to_duty_station",
        ),
        (
            {
                "legs": [
                    {
                        "destination": "SV-SAL",
                        "arrive_at": "2026-03-04T11:00:00-05:00",
                        "leave_at": "2026-03-03T15:00:00-05:00",
                    }
                ]
            },
            "leg_dates_out_of_order",
        ),
    ],
)
def test_r_2e_bad_dates_and_itinerary_not_from_and_back_to_duty_station_are_refused(
    ready, traveler, as_user, overrides, code
):
    response = as_user(traveler).post("/api/v1/missions/", payload(**overrides), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert not Mission.objects.exists()


def test_r_2e_a_trip_to_the_duty_city_is_not_a_mission(ready, traveler, as_user):
    Destination.objects.create(code="PE-LIM", name="Lima", country="PE")
    response = as_user(traveler).post("/api/v1/missions/", payload(dest="PE-LIM"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "destination_is_duty_station"


def test_r_3_8b_destination_without_rate_and_without_quote_is_refused(ready, traveler, as_user):
    Destination.objects.create(code="BR-BSB", name="Brasilia", country="BR", in_table_region=False)
    response = as_user(traveler).post("/api/v1/missions/", payload(dest="BR-BSB"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "rate_requires_quote"
    assert "Brasilia" in response.json()["detail"]


def test_mission_is_authorized_only_by_both_coordinator_and_secretary(
    make_mission,
    traveler,
    coordinator,
    executive_secretary,
    as_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    mission = make_mission()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(traveler).post(f"/api/v1/missions/{mission.pk}/submit/")
    assert response.json()["status"] == "submitted"
    assert {coordinator.email, executive_secretary.email} <= {
        address for m in mailoutbox for address in m.to
    }
    response = as_user(coordinator).post(
        f"/api/v1/missions/{mission.pk}/authorize/", {"comment": "Conforme"}
    )
    assert response.json()["status"] == "submitted"
    assert response.json()["coordinator_authorized_by"] == coordinator.username
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(executive_secretary).post(f"/api/v1/missions/{mission.pk}/authorize/")
    assert response.json()["status"] == "authorized"
    assert [m.to for m in mailoutbox] == [[traveler.email]]
    events = list(mission.events.values_list("action", "actor__username", "comment"))
    assert ("authorized_coordinator", coordinator.username, "Conforme") in events
    assert ("authorized_secretary", executive_secretary.username, "") in events


def test_authorize_twice_double_click_has_no_second_effect(
    make_mission, traveler, coordinator, as_user
):
    mission = make_mission()
    as_user(traveler).post(f"/api/v1/missions/{mission.pk}/submit/")
    client = as_user(coordinator)
    assert client.post(f"/api/v1/missions/{mission.pk}/authorize/").status_code == 200
    second = client.post(f"/api/v1/missions/{mission.pk}/authorize/")
    assert second.status_code == 400 and second.json()["code"] == "already_decided"
    assert mission.events.filter(action="authorized_coordinator").count() == 1


def test_decision_on_a_mission_in_the_wrong_state_is_refused(
    make_mission, executive_secretary, as_user
):
    mission = make_mission()
    response = as_user(executive_secretary).post(f"/api/v1/missions/{mission.pk}/authorize/")
    assert response.status_code == 400 and response.json()["code"] == "wrong_state"
    mission.refresh_from_db()
    assert mission.status == Mission.Status.DRAFT


def test_reject_sends_back_with_reason_and_traveler_edits_and_resubmits(
    make_mission, traveler, coordinator, as_user
):
    mission = make_mission()
    as_user(traveler).post(f"/api/v1/missions/{mission.pk}/submit/")
    assert (
        as_user(coordinator).post(f"/api/v1/missions/{mission.pk}/reject/", {}).status_code == 400
    )
    response = as_user(coordinator).post(
        f"/api/v1/missions/{mission.pk}/reject/", {"reason": "Ajustar fechas"}
    )
    assert response.json()["status"] == "rejected"
    assert response.json()["status_reason"] == "Ajustar fechas"
    client = as_user(traveler)
    edited = client.put(
        f"/api/v1/missions/{mission.pk}/", payload(purpose="Nuevo propósito"), format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert client.post(f"/api/v1/missions/{mission.pk}/submit/").json()["status"] == "submitted"


def test_nobody_authorizes_their_own_mission(seed_rates, organization, as_user):
    boss = UserFactory(roles=[Role.PROJECT_COORDINATOR, Role.TRAVELER], profile=True)
    ProjectFactory(code="OWN", coordinator=boss)
    client = as_user(boss)
    mission_id = client.post("/api/v1/missions/", payload(project="OWN"), format="json").json()[
        "id"
    ]
    client.post(f"/api/v1/missions/{mission_id}/submit/")
    response = client.post(f"/api/v1/missions/{mission_id}/authorize/")
    assert response.status_code == 403 and response.json()["code"] == "own_request"


def test_outsider_and_other_traveler_get_404_on_someone_elses_mission(
    make_mission, other_traveler, outsider, as_user, client
):
    mission = make_mission()
    for user in (other_traveler, outsider):
        api = as_user(user)
        assert api.get(f"/api/v1/missions/{mission.pk}/").status_code == 404
        assert api.post(f"/api/v1/missions/{mission.pk}/submit/").status_code == 404
        assert api.get("/api/v1/missions/").json()["count"] == 0
        client.force_login(user)
        assert client.get(f"/misiones/{mission.pk}/").status_code == 404
        assert client.get(f"/misiones/{mission.pk}/nombramiento.pdf").status_code == 404


def test_coordinator_sees_and_decides_only_on_their_projects_missions(
    make_mission, traveler, as_user
):
    mission = make_mission()
    as_user(traveler).post(f"/api/v1/missions/{mission.pk}/submit/")
    stranger = UserFactory(roles=[Role.PROJECT_COORDINATOR])
    ProjectFactory(coordinator=stranger)
    api = as_user(stranger)
    assert api.get(f"/api/v1/missions/{mission.pk}/").status_code == 404
    assert api.post(f"/api/v1/missions/{mission.pk}/authorize/").status_code == 404


def test_r_2e_mission_cannot_start_before_it_is_authorized(make_mission, traveler, as_user):
    mission = make_mission()
    response = as_user(traveler).post(f"/api/v1/missions/{mission.pk}/start/")
    assert response.status_code == 400 and response.json()["code"] == "mission_not_authorized"


def test_start_and_return_of_an_authorized_mission(authorized_mission, traveler, as_user):
    mission = authorized_mission()
    api = as_user(traveler)
    assert api.post(f"/api/v1/missions/{mission.pk}/start/").json()["status"] == "in_progress"
    assert api.post(f"/api/v1/missions/{mission.pk}/return/").json()["status"] == "returned"


def test_r_3_15_invitation_by_affiliated_entity_pays_no_per_diem(ready, traveler, as_user):
    response = as_user(traveler).post(
        "/api/v1/missions/", payload(kind="affiliated_invitation"), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["planned_total"] == "0.00"
    assert {line["rule"] for line in body["planned_perdiem"]["lines"]} == {"R-3.15"}


def test_r_3_14_event_covered_meals_and_r_6_sponsor_complement(ready, traveler, as_user):
    api = as_user(traveler)
    event = api.post(
        "/api/v1/missions/",
        payload(kind="event", meals_covered={"2026-03-03": ["lunch"]}),
        format="json",
    ).json()
    assert Decimal(event["planned_total"]) < Decimal("400.00")
    sponsored = api.post(
        "/api/v1/missions/",
        payload(kind="sponsored_event", sponsor_daily_amount="50.00"),
        format="json",
    ).json()
    assert Decimal(sponsored["planned_total"]) == Decimal("210.00")  # last day: 40 < 50


def test_r_3_11c_event_needs_the_invitation_letter_before_submitting(
    ready, traveler, as_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    api = as_user(traveler)
    mission_id = api.post("/api/v1/missions/", payload(kind="event"), format="json").json()["id"]
    response = api.post(f"/api/v1/missions/{mission_id}/submit/")
    assert response.status_code == 400 and response.json()["code"] == "invitation_missing"
    upload = SimpleUploadedFile("carta.pdf", PDF, content_type="application/pdf")
    response = api.post(
        f"/api/v1/missions/{mission_id}/invitation/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["has_invitation"]
    assert api.post(f"/api/v1/missions/{mission_id}/submit/").json()["status"] == "submitted"
    mission = Mission.objects.get(pk=mission_id)
    assert "carta" not in mission.invitation_file  # stored under a generated name


def test_invitation_is_served_only_to_those_who_see_the_mission(
    ready, traveler, other_traveler, as_user, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    api = as_user(traveler)
    mission_id = api.post("/api/v1/missions/", payload(kind="event"), format="json").json()["id"]
    upload = SimpleUploadedFile("carta.pdf", PDF, content_type="application/pdf")
    api.post(f"/api/v1/missions/{mission_id}/invitation/", {"file": upload}, format="multipart")
    client.force_login(traveler)
    response = client.get(f"/misiones/{mission_id}/invitacion/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(other_traveler)
    assert client.get(f"/misiones/{mission_id}/invitacion/").status_code == 404


def test_r_3_16_installation_is_paid_once_per_contract(ready, traveler, as_user):
    api = as_user(traveler)
    first = api.post("/api/v1/missions/", payload(kind="installation"), format="json")
    assert first.status_code == 201 and first.json()["planned_total"] == "0.00"
    second = api.post("/api/v1/missions/", payload(kind="installation"), format="json")
    assert second.status_code == 400 and second.json()["code"] == "relocation_already_used"


def test_r_2c_home_country_visit_pays_no_lodging(ready, traveler, as_user):
    body = (
        as_user(traveler)
        .post("/api/v1/missions/", payload(kind="home_country"), format="json")
        .json()
    )
    assert body["planned_total"] == "160.00"


def test_mission_list_api_runs_a_constant_number_of_queries(
    make_mission, traveler, as_user, django_assert_max_num_queries
):
    for _ in range(6):
        make_mission()
    api = as_user(traveler)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/missions/")
    assert response.json()["count"] == 6


def test_timeline_records_who_when_and_comment(authorized_mission):
    mission = authorized_mission()
    assert list(mission.events.values_list("action", flat=True)) == [
        MissionEvent.Action.CREATED,
        MissionEvent.Action.SUBMITTED,
        MissionEvent.Action.AUTHORIZED_COORDINATOR,
        MissionEvent.Action.AUTHORIZED_SECRETARY,
    ]
    assert all(e.at and e.actor_id for e in mission.events.all())
    assert mission.departure_at.date() == dt.date(2026, 3, 2)


def test_notification_e_mail_links_to_the_mission_with_the_site_address(
    make_mission, coordinator, settings, django_capture_on_commit_callbacks, mailoutbox
):
    from missions import services

    settings.VIATICOS_SITE_URL = "https://viaticos.example.org"
    mission = make_mission()
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_submit(actor=mission.traveler, mission=mission)
    to_coordinator = [m for m in mailoutbox if coordinator.email in m.to]
    assert to_coordinator
    assert f"https://viaticos.example.org/misiones/{mission.pk}/" in to_coordinator[0].body


def _legs(count: int) -> list[dict]:
    return [
        {
            "destination": "SV-SAL",
            "arrive_at": f"2026-03-{2 + day:02d}T11:00:00-05:00",
            "leave_at": f"2026-03-{2 + day:02d}T15:00:00-05:00",
        }
        for day in range(count)
    ]


@pytest.mark.parametrize(
    "overrides, code, words",
    [
        (
            {
                "return_at": "2099-12-30T19:00:00-05:00",
                "legs": [
                    {
                        "destination": "SV-SAL",
                        "arrive_at": "2026-03-02T11:00:00-05:00",
                        "leave_at": "2099-12-30T15:00:00-05:00",
                    }
                ],
            },
            "mission_too_long",
            "180 días",
        ),
        (
            {"return_at": "2026-03-29T19:00:00-05:00", "legs": _legs(21)},
            "itinerary_too_long",
            "20 destinos",
        ),
    ],
)
def test_an_unbounded_mission_or_itinerary_is_refused_with_a_clear_message(
    ready, traveler, as_user, overrides, code, words
):
    response = as_user(traveler).post("/api/v1/missions/", payload(**overrides), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code and words in response.json()["detail"]
    assert not Mission.objects.exists()


def test_the_longest_mission_and_itinerary_allowed_are_accepted(ready, traveler, as_user, settings):
    settings.VIATICOS_MAX_MISSION_DAYS = 28
    settings.VIATICOS_MAX_ITINERARY_LEGS = 20
    data = payload(return_at="2026-03-29T19:00:00-05:00", legs=_legs(20))
    response = as_user(traveler).post("/api/v1/missions/", data, format="json")
    assert response.status_code == 201, response.json()
    settings.VIATICOS_MAX_MISSION_DAYS = 27
    response = as_user(traveler).post("/api/v1/missions/", data, format="json")
    assert response.json()["code"] == "mission_too_long"
