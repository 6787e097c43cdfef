"""The mission and advance state machines are written once (missions.transitions, issue 16):
every status is reachable, and the services and the access helper agree with the table."""

import datetime as dt
from collections import deque
from decimal import Decimal

import pytest
from django.db import transaction

from missions import access, budgets, services
from missions.models import Advance, Mission
from missions.selectors import mission_next_step
from missions.transitions import ADVANCE, MISSION
from viaticos.errors import DomainError
from viaticos.transitions import SYSTEM

# The codes a service answers with when the status does not allow the action.
STATE_CODES = {"wrong_state", "mission_not_authorized"}


def _reachable(table, start) -> set[str]:
    seen, queue = {str(start)}, deque([str(start)])
    while queue:
        state = queue.popleft()
        for row in table.from_state(state):
            if row.target is not None and str(row.target) not in seen:
                seen.add(str(row.target))
                queue.append(str(row.target))
    return seen


def test_every_mission_status_is_reachable_from_draft():
    assert _reachable(MISSION, Mission.Status.DRAFT) == set(Mission.Status.values)


def test_every_advance_status_is_reachable_from_requested():
    assert _reachable(ADVANCE, Advance.Status.REQUESTED) == set(Advance.Status.values)


def test_the_status_sets_of_the_models_are_the_table_rows():
    assert {s for s, a in MISSION.rows if a == "edit"} == set(Mission.EDITABLE)
    assert {s for s, a in ADVANCE.rows if a == "settle"} == set(Advance.PENDING_SETTLEMENT)
    assert {s for s, a in ADVANCE.rows if a == "cancel"} == set(Advance.OPEN)


def _system_actions(table) -> set[str]:
    """Actions another service takes (never a user's button)."""
    return {row.action for row in table.rows.values() if SYSTEM in row.who}


class _Rollback(Exception):
    pass


def _refusal(call) -> str | None:
    """The error code `call` answers with (nothing kept either way); None when it passes the
    status guard (it succeeds, or fails later for another reason)."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return None
    except DomainError as error:
        return error.code if error.code in STATE_CODES else None
    except Exception:  # past the guard, on arguments this test does not bother to give
        return None


@pytest.fixture
def mission_calls(traveler, coordinator, finance_director):
    today = dt.date(2030, 1, 1)
    return {
        "edit": (traveler, lambda m: services.mission_update(actor=traveler, mission=m, legs=[])),
        "attach_invitation": (
            traveler,
            lambda m: services.mission_attach_invitation(actor=traveler, mission=m, upload=None),
        ),
        "submit": (traveler, lambda m: services.mission_submit(actor=traveler, mission=m)),
        "authorize": (
            coordinator,
            lambda m: services.mission_authorize(actor=coordinator, mission=m),
        ),
        "reject": (
            coordinator,
            lambda m: services.mission_reject(actor=coordinator, mission=m, reason="No"),
        ),
        "budget_override": (
            finance_director,
            lambda m: budgets.budget_override_grant(actor=finance_director, mission=m, reason="R"),
        ),
        "request_advance": (
            traveler,
            lambda m: services.advance_request(
                actor=traveler, mission=m, terminal_estimate=Decimal("0")
            ),
        ),
        "start": (
            traveler,
            lambda m: services.mission_start(actor=traveler, mission=m, today=today),
        ),
        "return": (traveler, lambda m: services.mission_mark_returned(actor=traveler, mission=m)),
        "suspend": (
            coordinator,
            lambda m: services.mission_suspend(actor=coordinator, mission=m, reason="Stop"),
        ),
        "cancel": (
            traveler,
            lambda m: services.mission_cancel(actor=traveler, mission=m, reason="Stop"),
        ),
        "close": (coordinator, lambda m: services.mission_close(actor=coordinator, mission=m)),
    }


def test_mission_services_and_access_refuse_exactly_what_the_table_refuses(
    make_mission, mission_calls
):
    assert set(mission_calls) == set(MISSION.actions)
    mission = make_mission()
    disagreements = []
    for state in Mission.Status.values:
        for action, (user, call) in mission_calls.items():
            Mission.objects.filter(pk=mission.pk).update(status=state)
            current = Mission.objects.select_related("project").get(pk=mission.pk)
            allowed = MISSION.get(state, action) is not None
            refused = _refusal(lambda c=call, o=current: c(o)) is not None
            if refused == allowed:
                disagreements.append(("service", state, action))
            if action in _system_actions(MISSION):
                continue
            listed = action in access.mission_actions(user, current)
            if listed != MISSION.allows(current, action):
                disagreements.append(("access", state, action))
    assert disagreements == []


def test_advance_services_and_access_refuse_exactly_what_the_table_refuses(
    authorized_mission, traveler, coordinator, treasurer
):
    calls = {
        "approve": (coordinator, lambda a: services.advance_approve(actor=coordinator, advance=a)),
        "reject": (
            coordinator,
            lambda a: services.advance_reject(actor=coordinator, advance=a, reason="No"),
        ),
        "sign": (traveler, lambda a: services.advance_sign(actor=traveler, advance=a)),
        "disburse": (
            treasurer,
            lambda a: services.advance_disburse(
                actor=treasurer,
                advance=a,
                disbursed_on=dt.date(2026, 2, 27),
                method="transfer",
                reference="OP-1",
            ),
        ),
        "record_return": (
            treasurer,
            lambda a: services.advance_record_return(
                actor=treasurer, advance=a, returned_on=dt.date(2026, 3, 9)
            ),
        ),
        "settle": (
            coordinator,
            lambda a: services.advance_mark_settled(actor=coordinator, advance=a),
        ),
    }
    # The R-4 stop and the start of a settlement move many advances at once (system rows
    # read by their queries, see test_the_status_sets_of_the_models_are_the_table_rows).
    assert set(calls) == set(ADVANCE.actions) - {"cancel", "demand_return"}
    advance = services.advance_request(
        actor=traveler, mission=authorized_mission(), terminal_estimate=Decimal("50.00")
    )
    disagreements = []
    for state in Advance.Status.values:
        for action, (user, call) in calls.items():
            Advance.objects.filter(pk=advance.pk).update(status=state)
            current = Advance.objects.select_related("mission__project").get(pk=advance.pk)
            allowed = ADVANCE.get(state, action) is not None
            refused = _refusal(lambda c=call, o=current: c(o)) is not None
            if refused == allowed:
                disagreements.append(("service", state, action))
            if action in _system_actions(ADVANCE):
                continue
            listed = action in access.advance_actions(user, current)
            if listed != allowed:
                disagreements.append(("access", state, action))
    assert disagreements == []


def test_the_next_step_of_a_mission_is_the_step_of_its_table_row(make_mission):
    mission = make_mission()
    assert mission_next_step(mission) == MISSION.step(Mission.Status.DRAFT, "submit")
    assert mission_next_step(mission) == "Complétela y envíela para autorización."
