"""Who may see and decide on missions and advances. Pure predicates on loaded objects:
views, the API and services share them so a button shown is an action allowed."""

from __future__ import annotations

from missions import approvals
from missions.models import Advance, Mission
from viaticos.roles import Role, has_role

# Roles that read every mission (they act on them or audit them).
READ_ALL_ROLES = (
    Role.EXECUTIVE_SECRETARY,
    Role.FINANCE_DIRECTOR,
    Role.TREASURY,
    Role.GENERAL_ACCOUNTANT,
    Role.ACCOUNTING_ASSISTANT,
    Role.GENERAL_ADMINISTRATOR,
    Role.AUDITOR,
)


def reads_all(user) -> bool:
    return has_role(user, *READ_ALL_ROLES)


def is_project_coordinator_of(user, mission: Mission) -> bool:
    return has_role(user, Role.PROJECT_COORDINATOR) and mission.project.coordinator_id == user.pk


def is_executive_secretary(user) -> bool:
    return has_role(user, Role.EXECUTIVE_SECRETARY)


def is_treasury(user) -> bool:
    return has_role(user, Role.TREASURY)


def is_own(user, mission: Mission) -> bool:
    return mission.traveler_id == user.pk


def may_decide(user, obj: Mission | Advance, directory=None) -> approvals.Authority | None:
    """R-3.1s, R-3.1d: the approval `user` may give on a pending mission or advance, if any."""
    request = approvals.PendingRequest.of(obj)
    return approvals.authority_of(directory or approvals.Directory.load(), request, user.pk)


def mission_actions(user, mission: Mission, directory=None) -> set[str]:
    """The actions `user` may take on `mission` now (segregation of duties included)."""
    S = Mission.Status
    own = is_own(user, mission)
    coordinator = is_project_coordinator_of(user, mission)
    secretary = is_executive_secretary(user)
    actions: set[str] = set()
    if own and mission.status in Mission.EDITABLE:
        actions |= {"edit", "submit"}
    if mission.status == S.SUBMITTED and not own and may_decide(user, mission, directory):
        actions |= {"authorize", "reject"}
    if own and mission.status == S.AUTHORIZED:
        actions.add("start")
    if own and mission.status == S.IN_PROGRESS:
        actions.add("return")
    if mission.status in (S.AUTHORIZED, S.IN_PROGRESS) and (coordinator or secretary) and not own:
        actions.add("suspend")
    if mission.status in (S.DRAFT, S.SUBMITTED, S.REJECTED, S.AUTHORIZED) and (
        own or ((coordinator or secretary) and mission.status != S.DRAFT)
    ):
        actions.add("cancel")
    if own and mission.status in (S.AUTHORIZED, S.IN_PROGRESS):
        actions.add("request_advance")
    if (
        mission.status in (S.SUBMITTED, S.AUTHORIZED)
        and mission.line_id
        and not own
        and has_role(user, Role.FINANCE_DIRECTOR)
    ):
        actions.add("budget_override")  # SPEC §2.5, shown when the line is short
    return actions


def advance_actions(user, advance: Advance, directory=None) -> set[str]:
    S = Advance.Status
    mission = advance.mission
    own = is_own(user, mission)
    actions: set[str] = set()
    if advance.status == S.REQUESTED and not own and may_decide(user, advance, directory):
        actions |= {"approve", "reject"}
    if advance.status == S.APPROVED and own:
        actions.add("sign")
    if advance.status == S.SIGNED and is_treasury(user) and not own:
        actions.add("disburse")
    if advance.status == S.RETURN_DUE and is_treasury(user) and not own:
        actions.add("record_return")
    return actions
