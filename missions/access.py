"""Who may see and decide on missions and advances. Pure predicates on loaded objects:
views, the API and services share them so a button shown is an action allowed."""

from __future__ import annotations

from missions import approvals, transitions
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


def _mission_guards(mission: Mission, directory):
    def approver(user, obj) -> bool:
        return not is_own(user, obj.mission if isinstance(obj, Advance) else obj) and bool(
            may_decide(user, obj, directory)
        )

    return {
        "traveler": lambda user, obj: is_own(user, mission),
        "approver": approver,
        "manager": lambda user, obj: (
            not is_own(user, mission)
            and (is_project_coordinator_of(user, mission) or is_executive_secretary(user))
        ),
        "finance_director": lambda user, obj: (
            not is_own(user, mission) and has_role(user, Role.FINANCE_DIRECTOR)
        ),
        "treasury": lambda user, obj: is_treasury(user) and not is_own(user, mission),
    }


def mission_actions(user, mission: Mission, directory=None) -> set[str]:
    """The actions `user` may take on `mission` now (segregation of duties included): the rows
    of missions.transitions.MISSION from its status whose guard `user` passes."""
    return transitions.MISSION.actions_for(user, mission, _mission_guards(mission, directory))


def advance_actions(user, advance: Advance, directory=None) -> set[str]:
    """The actions `user` may take on `advance` now (missions.transitions.ADVANCE)."""
    return transitions.ADVANCE.actions_for(
        user, advance, _mission_guards(advance.mission, directory)
    )
