"""Who approves what (§2.4): segregation of duties (R-3.1s) and nobody stuck (R-3.1d).

Through the API and the pages as each person would, and the deciding rules directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from missions import approvals, services
from missions.models import (
    Advance,
    ApprovalAlternate,
    ApprovalNotice,
    Delegation,
    Mission,
    MissionEvent,
    Slot,
)
from tests.factories import ProjectFactory, UserFactory
from viaticos.errors import DomainError
from viaticos.models import RoleChange
from viaticos.roles import Role

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def general_administrator(db):
    return UserFactory(username="gloria", roles=[Role.GENERAL_ADMINISTRATOR])


@pytest.fixture
def boss(db):
    """A Project Coordinator who also travels."""
    return UserFactory(
        username="pablo", roles=[Role.PROJECT_COORDINATOR, Role.TRAVELER], profile=True
    )


@pytest.fixture
def deputy(db):
    return UserFactory(username="ana", roles=[Role.PROJECT_COORDINATOR])


@pytest.fixture
def own_project(boss, deputy):
    project = ProjectFactory(code="OWN", coordinator=boss)
    ApprovalAlternate.objects.create(project=project, slot=Slot.COORDINATOR, alternate=deputy)
    return project


def submitted(make_mission, user=None, **kwargs) -> Mission:
    """Submitted; the fixtures' missions share their dates, so a second one says why."""
    mission = make_mission(user, **kwargs)
    services.mission_submit(
        actor=mission.traveler, mission=mission, overlap_reason="Dos talleres el mismo día"
    )
    mission.refresh_from_db()
    return mission


# --- R-3.1d: the coordinator's own mission -----------------------------------------------------


def test_r_3_1d_coordinators_own_mission_is_authorized_by_the_project_alternate(
    make_mission,
    boss,
    deputy,
    own_project,
    executive_secretary,
    as_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        mission = submitted(make_mission, boss, proj=own_project)
    assert {m.to[0] for m in mailoutbox} >= {deputy.email, executive_secretary.email}
    assert boss.email not in {m.to[0] for m in mailoutbox}

    own = as_user(boss).post(f"/api/v1/missions/{mission.pk}/authorize/")
    assert own.status_code == 403 and own.json()["code"] == "own_request"

    inbox = as_user(deputy).get("/api/v1/missions/")  # the alternate sees the mission
    assert mission.pk in [m["id"] for m in inbox.json()["results"]]
    assert as_user(deputy).post(f"/api/v1/missions/{mission.pk}/authorize/").status_code == 200
    done = as_user(executive_secretary).post(f"/api/v1/missions/{mission.pk}/authorize/")
    assert done.status_code == 200 and done.json()["status"] == "authorized"
    assert done.json()["coordinator_authorized_by"] == deputy.username

    event = MissionEvent.objects.get(mission=mission, action="authorized_coordinator")
    assert event.actor == deputy
    assert "solicitante" in event.basis or "requester" in event.basis


def test_r_3_1d_the_alternate_sees_why_in_the_inbox_page(
    client, make_mission, boss, deputy, own_project
):
    mission = submitted(make_mission, boss, proj=own_project)
    client.force_login(deputy)
    page = client.get("/por-aprobar/", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    html = page.content.decode()
    assert mission.code in html
    assert "Suplente" in html and "es el solicitante" in html
    detail = client.get(mission.get_absolute_url())
    assert detail.status_code == 200 and "authorize" in detail.context["actions"]


def test_r_3_1d_a_request_nobody_may_decide_is_listed_for_the_secretary_and_the_command(
    client, make_mission, boss, executive_secretary, general_administrator, capsys
):
    project = ProjectFactory(code="SOLO", coordinator=boss)  # no alternate configured
    mission = submitted(make_mission, boss, proj=project)
    request = approvals.PendingRequest.of(mission)
    directory = approvals.Directory.load()
    assert approvals.candidates(directory, request, Slot.COORDINATOR) == []

    for user in (executive_secretary, general_administrator):
        client.force_login(user)
        page = client.get("/por-aprobar/sin-aprobador/", HTTP_ACCEPT_LANGUAGE="es")
        assert page.status_code == 200
        assert mission.code in page.content.decode()
        assert "no hay suplente" in page.content.decode()
    client.force_login(boss)
    assert client.get("/por-aprobar/sin-aprobador/").status_code == 403

    with pytest.raises(SystemExit) as exit_status:
        call_command("approvals_stuck")
    assert exit_status.value.code == 1
    assert mission.code in capsys.readouterr().out

    detail = client.get(mission.get_absolute_url())
    assert "nobody may give it now" in detail.content.decode() or "nadie puede" in (
        detail.content.decode()
    )


def test_r_3_1d_the_finance_directors_own_advance_goes_to_the_finance_alternate(
    make_mission, coordinator, executive_secretary, general_administrator, seed_rates, as_user
):
    director = UserFactory(
        username="fd", roles=[Role.FINANCE_DIRECTOR, Role.TRAVELER], profile=True
    )
    ApprovalAlternate.objects.create(slot=Slot.FINANCE, alternate=general_administrator)
    mission = submitted(make_mission, director)
    services.mission_authorize(actor=coordinator, mission=mission)
    services.mission_authorize(actor=executive_secretary, mission=mission)
    advance = services.advance_request(
        actor=director, mission=mission, terminal_estimate=Decimal("10.00")
    )
    services.advance_approve(actor=coordinator, advance=advance)
    refused = as_user(director).post(f"/api/v1/advances/{advance.pk}/approve/")
    assert refused.status_code == 403
    ok = as_user(general_administrator).post(f"/api/v1/advances/{advance.pk}/approve/")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert ok.json()["finance_approved_by"] == general_administrator.username


# --- R-3.1d: delegation ---------------------------------------------------------------------


def test_r_3_1d_a_delegate_decides_on_behalf_of_the_absent_approver(
    make_mission, coordinator, executive_secretary, general_administrator, as_user, client
):
    services.delegation_create(
        actor=executive_secretary,
        delegate=general_administrator,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=3),
        reason="Vacaciones",
    )
    mission = submitted(make_mission)
    services.mission_authorize(actor=coordinator, mission=mission)
    client.force_login(general_administrator)
    inbox = client.get("/por-aprobar/")
    assert inbox.status_code == 200 and mission.code in inbox.content.decode()

    answer = as_user(general_administrator).post(f"/api/v1/missions/{mission.pk}/authorize/")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] == "authorized"
    assert body["secretary_authorized_by"] == general_administrator.username
    assert body["secretary_authorized_for"] == executive_secretary.username
    event = MissionEvent.objects.get(mission=mission, action="authorized_secretary")
    assert event.on_behalf_of == executive_secretary

    page = client.get(mission.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "on behalf of" in page.content.decode()
    from missions.views import mission_blocks

    mission.refresh_from_db()
    assert "on behalf of" in mission_blocks(mission)[1]["who"]


def test_r_3_1d_away_without_delegate_sends_requests_to_the_alternates(
    make_mission, executive_secretary, general_administrator
):
    ApprovalAlternate.objects.create(slot=Slot.SECRETARY, alternate=general_administrator)
    services.delegation_create(
        actor=executive_secretary,
        delegate=None,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    mission = submitted(make_mission)
    with pytest.raises(DomainError):
        services.mission_authorize(actor=executive_secretary, mission=mission)
    services.mission_authorize(actor=general_administrator, mission=mission)
    mission.refresh_from_db()
    assert mission.secretary_authorized_by == general_administrator


@pytest.mark.parametrize(
    "case, code",
    [
        ("self", "invalid_delegate"),
        ("both_slots", "delegate_fills_both"),
        ("own_request", "delegate_own_request"),
        ("past", "invalid_window"),
        ("not_an_approver", "not_an_approver"),
    ],
)
def test_r_3_1d_delegations_that_break_segregation_are_refused(
    case, code, make_mission, coordinator, executive_secretary, traveler
):
    today = timezone.localdate()
    actor, delegate, start, end = coordinator, None, today, today + dt.timedelta(days=2)
    if case == "self":
        delegate = coordinator
    elif case == "both_slots":
        delegate = executive_secretary  # would give the coordinator's and the ES's approval
    elif case == "own_request":
        submitted(make_mission)  # the traveler's mission waits for the coordinator
        delegate = traveler
    elif case == "past":
        delegate, start, end = traveler, today - dt.timedelta(days=5), today - dt.timedelta(days=1)
    else:
        actor, delegate = traveler, coordinator
    with pytest.raises(DomainError) as error:
        services.delegation_create(
            actor=actor, delegate=delegate, starts_on=start, ends_on=end, reason="x"
        )
    assert error.value.code == code
    assert not Delegation.objects.exists()


def test_r_3_1d_delegation_page_keeps_what_was_typed_on_error_and_records_a_valid_one(
    client, coordinator, executive_secretary, other_traveler
):
    client.force_login(coordinator)
    today = timezone.localdate()
    data = {
        "delegate": executive_secretary.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=4)).isoformat(),
        "reason": "Congreso en Panamá",
    }
    page = client.post("/cuenta/delegaciones/", data, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    html = page.content.decode()
    assert "segregación de funciones" in html
    assert "Congreso en Panamá" in html and data["ends_on"] in html
    assert not Delegation.objects.exists()

    data["delegate"] = other_traveler.pk
    done = client.post("/cuenta/delegaciones/", data)
    assert done.status_code == 302
    delegation = Delegation.objects.get()
    assert delegation.delegate == other_traveler and delegation.delegator == coordinator
    assert "Congreso" in client.get("/cuenta/").content.decode() or delegation.reason
    ended = client.post(f"/cuenta/delegaciones/{delegation.pk}/terminar/")
    assert ended.status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


# --- R-3.1s: one person never fills both slots ---------------------------------------------


def _mission_case(case, make_mission, coordinator, executive_secretary, project):
    """Return (mission, person) where `person` has given one approval and then tries the other
    through some change of roles, projects or delegation."""
    mission = submitted(make_mission)
    if case == "coordinator_also_secretary":
        coordinator.groups.add(Group.objects.get(name=Role.EXECUTIVE_SECRETARY.value))
        services.mission_authorize(actor=coordinator, mission=mission)
        return mission, coordinator
    if case == "secretary_made_coordinator":
        services.mission_authorize(actor=executive_secretary, mission=mission)
        executive_secretary.groups.add(Group.objects.get(name=Role.PROJECT_COORDINATOR.value))
        project.coordinator = executive_secretary
        project.save()
        return mission, executive_secretary
    if case == "delegate_of_the_other_slot":
        services.mission_authorize(actor=executive_secretary, mission=mission)
        # the delegation is recorded before the delegate became Executive Secretary
        Delegation.objects.create(
            delegator=coordinator,
            delegate=executive_secretary,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
        )
        return mission, executive_secretary
    if case == "delegator_after_delegate":
        other = UserFactory(username="delegada", roles=[])
        Delegation.objects.create(
            delegator=coordinator,
            delegate=other,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
        )
        services.mission_authorize(actor=other, mission=mission)  # for the coordinator
        coordinator.groups.add(Group.objects.get(name=Role.EXECUTIVE_SECRETARY.value))
        return mission, coordinator
    if case == "alternate_already_decided":
        ApprovalAlternate.objects.create(slot=Slot.COORDINATOR, alternate=executive_secretary)
        project.coordinator = mission.traveler  # now the designated coordinator is the traveler
        project.save()
        services.mission_authorize(actor=executive_secretary, mission=mission)
        return mission, executive_secretary
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "coordinator_also_secretary",
        "secretary_made_coordinator",
        "delegate_of_the_other_slot",
        "delegator_after_delegate",
        "alternate_already_decided",
    ],
)
def test_r_3_1s_nobody_fills_both_slots_of_a_mission(
    case, make_mission, coordinator, executive_secretary, project, as_user
):
    mission, person = _mission_case(case, make_mission, coordinator, executive_secretary, project)
    answer = as_user(person).post(
        f"/api/v1/missions/{mission.pk}/authorize/", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert answer.status_code in (400, 403), answer.json()
    assert answer.json()["code"] in ("already_decided", "not_allowed")
    assert "persona" in answer.json()["detail"] or "decisión" in answer.json()["detail"]
    mission.refresh_from_db()
    assert mission.status == Mission.Status.SUBMITTED
    filled = [
        p
        for p in (
            mission.coordinator_authorized_by_id,
            mission.coordinator_authorized_for_id,
            mission.secretary_authorized_by_id,
            mission.secretary_authorized_for_id,
        )
        if p
    ]
    assert len(filled) == len(set(filled))


def test_r_3_1s_finance_director_made_coordinator_cannot_approve_again(
    authorized_mission, finance_director, project, as_user
):
    mission = authorized_mission()
    advance = services.advance_request(
        actor=mission.traveler, mission=mission, terminal_estimate=Decimal("0")
    )
    first = as_user(finance_director).post(f"/api/v1/advances/{advance.pk}/approve/")
    assert first.status_code == 200
    finance_director.groups.add(Group.objects.get(name=Role.PROJECT_COORDINATOR.value))
    project.coordinator = finance_director
    project.save()
    again = as_user(finance_director).post(f"/api/v1/advances/{advance.pk}/approve/")
    assert again.status_code == 400 and again.json()["code"] == "already_decided"
    advance.refresh_from_db()
    assert advance.status == Advance.Status.REQUESTED and advance.coordinator_approved_at is None


def test_r_3_1s_the_final_transition_rechecks_two_different_people():
    request = approvals.PendingRequest(
        approvals.MISSION,
        1,
        traveler_id=9,
        project_id=1,
        coordinator_id=5,
        since=None,
        filled={Slot.COORDINATOR: (5, None), Slot.SECRETARY: (6, 5)},
    )
    with pytest.raises(DomainError) as error:
        approvals.check_two_people(request)
    assert error.value.code == "same_person"
    fine = approvals.PendingRequest(
        approvals.MISSION, 1, 9, 1, 5, None, {Slot.COORDINATOR: (5, None), Slot.SECRETARY: (6, 7)}
    )
    approvals.check_two_people(fine)
    own = approvals.PendingRequest(
        approvals.ADVANCE, 1, 9, 1, 5, None, {Slot.COORDINATOR: (5, None), Slot.FINANCE: (9, None)}
    )
    with pytest.raises(DomainError):
        approvals.check_two_people(own)


def test_r_3_1s_requester_never_approves_even_as_delegate_or_alternate(
    make_mission, coordinator, traveler, as_user
):
    Delegation.objects.create(
        delegator=coordinator,
        delegate=traveler,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    ApprovalAlternate.objects.create(slot=Slot.SECRETARY, alternate=traveler)
    mission = submitted(make_mission)
    answer = as_user(traveler).post(f"/api/v1/missions/{mission.pk}/authorize/")
    assert answer.status_code == 403 and answer.json()["code"] == "own_request"


def test_r_3_1s_refusals_are_in_english_when_asked(make_mission, coordinator, as_user):
    mission = submitted(make_mission)
    as_user(coordinator).post(f"/api/v1/missions/{mission.pk}/authorize/")
    again = as_user(coordinator).post(
        f"/api/v1/missions/{mission.pk}/authorize/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "another person" in again.json()["detail"]


def test_r_3_1s_role_and_coordinator_changes_are_recorded_with_who_and_why(
    client, boss, deputy, own_project
):
    admin = UserFactory(username="root", roles=[])
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = f"/admin/viaticos/project/{own_project.pk}/change/"
    data = {
        "code": own_project.code,
        "name": own_project.name,
        "donor": own_project.donor,
        "coordinator": deputy.pk,
        "is_active": "on",
        "approval_alternates-TOTAL_FORMS": "0",
        "approval_alternates-INITIAL_FORMS": "0",
    }
    refused = client.post(url, data)
    assert (
        refused.status_code == 200 and "change_reason" in refused.context["adminform"].form.errors
    )
    own_project.refresh_from_db()
    assert own_project.coordinator == boss
    data["change_reason"] = "Pablo pasa a GIRH-AC"
    assert client.post(url, data).status_code == 302
    own_project.refresh_from_db()
    assert own_project.coordinator == deputy
    assert own_project.history.first().history_change_reason == "Pablo pasa a GIRH-AC"
    assert own_project.history.first().history_user == admin

    user_url = f"/admin/auth/user/{deputy.pk}/change/"
    payload = {
        "username": deputy.username,
        "first_name": deputy.first_name,
        "last_name": deputy.last_name,
        "email": deputy.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "groups": [
            Group.objects.get(name=Role.PROJECT_COORDINATOR.value).pk,
            Group.objects.get(name=Role.EXECUTIVE_SECRETARY.value).pk,
        ],
    }
    refused = client.post(user_url, payload)
    assert refused.status_code == 200
    assert not RoleChange.objects.exists()
    payload["role_change_reason"] = "Encargada de la Secretaría Ejecutiva"
    assert client.post(user_url, payload).status_code == 302
    change = RoleChange.objects.get()
    assert change.role == Role.EXECUTIVE_SECRETARY.value and change.change == "added"
    assert change.changed_by == admin and change.reason.startswith("Encargada")


# --- the inbox -----------------------------------------------------------------------------


def test_inbox_shows_what_an_approver_needs_and_the_navigation_counts_it(
    client, make_mission, coordinator, other_traveler, project, django_capture_on_commit_callbacks
):
    mission = submitted(make_mission)
    client.force_login(coordinator)
    page = client.get("/por-aprobar/", HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    for text in (
        mission.code,
        "Taller regional de gestión de riesgos",
        "02/03/2026",
        "San Salvador",
        "400.00",
        "PREVDA",
        "2.1.3 Viajes",
        "Anticipos por liquidar",
    ):
        assert text in html, text
    assert 'hx-get="/por-aprobar/contador/"' in html  # the count loads after the page
    badge = client.get("/por-aprobar/contador/").content.decode()
    assert 'class="badge"' in badge and ">1</span>" in badge
    with django_capture_on_commit_callbacks(execute=True):  # a decision refreshes the count
        services.mission_authorize(actor=coordinator, mission=mission)
    assert "badge" not in client.get("/por-aprobar/contador/").content.decode()


def test_inbox_bulk_approval_reports_each_request(
    client, make_mission, coordinator, executive_secretary, other_traveler
):
    first = submitted(make_mission)
    second = submitted(make_mission, other_traveler)
    services.mission_authorize(actor=coordinator, mission=second)
    own_of_someone_else = submitted(make_mission, other_traveler, code="GT")
    client.force_login(coordinator)
    answer = client.post(
        "/por-aprobar/aprobar/",
        {"missions": [first.pk, second.pk, own_of_someone_else.pk], "comment": "Conforme"},
        HTTP_ACCEPT_LANGUAGE="es",
        follow=True,
    )
    texts = [str(m) for m in answer.context["messages"]]
    assert any(first.code in t and own_of_someone_else.code in t for t in texts if "Aprobad" in t)
    assert any(second.code in t and "no aprobada" in t.lower() for t in texts), texts
    first.refresh_from_db()
    assert first.coordinator_authorized_by == coordinator
    assert MissionEvent.objects.filter(mission=first, comment="Conforme").exists()


def test_inbox_bulk_without_selection_says_so(client, coordinator, project):
    client.force_login(coordinator)
    answer = client.post("/por-aprobar/aprobar/", {}, HTTP_ACCEPT_LANGUAGE="es", follow=True)
    assert "Seleccione" in " ".join(str(m) for m in answer.context["messages"])


# --- reminders and escalation (R-3.1d) -------------------------------------------------------


def test_r_3_1d_pending_approvals_are_reminded_then_escalated_once(
    make_mission, coordinator, executive_secretary, general_administrator, settings
):
    settings.VIATICOS_APPROVAL_REMINDER_BUSINESS_DAYS = 2
    settings.VIATICOS_APPROVAL_ESCALATION_BUSINESS_DAYS = 5
    ApprovalAlternate.objects.create(slot=Slot.COORDINATOR, alternate=general_administrator)
    mission = submitted(make_mission)
    Mission.objects.filter(pk=mission.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0)),  # a Monday
        approval_escalates_on=approvals.escalation_date(
            timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
        ),
    )
    mail.outbox.clear()

    run = services.approvals_remind(today=dt.date(2026, 3, 3))
    assert run.reminders == 0 and not mail.outbox

    run = services.approvals_remind(today=dt.date(2026, 3, 4))
    assert run.reminders == 2  # the coordinator's and the Executive Secretary's approvals
    assert ApprovalNotice.objects.filter(level="reminder").count() == 2
    assert services.approvals_remind(today=dt.date(2026, 3, 4)).reminders == 0  # idempotent

    mission.refresh_from_db()
    request = approvals.PendingRequest.of(mission)
    directory = approvals.Directory.load(today=dt.date(2026, 3, 9))
    assert general_administrator.pk in {
        a.actor_id for a in approvals.candidates(directory, request, Slot.COORDINATOR)
    }
    run = services.approvals_remind(today=dt.date(2026, 3, 9))
    assert run.escalations == 1
    notice = ApprovalNotice.objects.get(level="escalation")
    assert notice.recipients == str(general_administrator.pk)
    assert services.approvals_remind(today=dt.date(2026, 3, 10)).escalations == 0


def test_r_3_1d_remind_command_dry_run_changes_nothing(make_mission, coordinator):
    mission = submitted(make_mission)
    Mission.objects.filter(pk=mission.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0)),
        approval_escalates_on=dt.date(2026, 3, 9),
    )
    call_command("remind_approvals", "--date", "2026-03-16", "--dry-run")
    assert not ApprovalNotice.objects.exists()
    call_command("remind_approvals", "--date", "2026-03-16")
    assert ApprovalNotice.objects.exists()


# --- small workflow gaps -------------------------------------------------------------------


def test_r_2e_a_mission_does_not_start_before_its_departure_day(authorized_mission, as_user):
    mission = authorized_mission()
    with pytest.raises(DomainError) as error:
        services.mission_start(actor=mission.traveler, mission=mission, today=dt.date(2026, 3, 1))
    assert error.value.code == "before_departure"
    services.mission_start(actor=mission.traveler, mission=mission, today=dt.date(2026, 3, 2))
    with pytest.raises(DomainError) as error:
        services.mission_mark_returned(
            actor=mission.traveler,
            mission=mission,
            now=timezone.make_aware(dt.datetime(2026, 3, 1, 12, 0)),
        )
    assert error.value.code == "before_departure"


def test_an_overlapping_mission_needs_a_reason_at_submission(make_mission, traveler, as_user):
    first = make_mission()
    services.mission_submit(actor=traveler, mission=first)
    second = make_mission(code="GT")
    refused = as_user(traveler).post(
        f"/api/v1/missions/{second.pk}/submit/", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "overlapping_mission"
    assert first.code in refused.json()["detail"]
    second.refresh_from_db()
    assert second.status == Mission.Status.DRAFT
    ok = as_user(traveler).post(
        f"/api/v1/missions/{second.pk}/submit/",
        {"overlap_reason": "Tramo de conexión en Guatemala"},
    )
    assert ok.status_code == 200 and ok.json()["overlap_reason"].startswith("Tramo")
