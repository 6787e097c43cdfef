"""Who may see and act on settlements: pure predicates on loaded objects."""

from __future__ import annotations

from settlements.transitions import SETTLEMENT
from viaticos.roles import Role, has_role, user_roles

# Roles that read every settlement (they receive, review, settle, approve exceptions or audit).
READ_ALL_ROLES = (
    Role.ACCOUNTING_ASSISTANT,
    Role.GENERAL_ACCOUNTANT,
    Role.GENERAL_ADMINISTRATOR,
    Role.FINANCE_DIRECTOR,
    Role.AUDITOR,
)


def reads_all(user) -> bool:
    return has_role(user, *READ_ALL_ROLES)


def is_own(user, settlement) -> bool:
    return settlement.mission.traveler_id == user.pk


def is_accounting_assistant(user) -> bool:
    return has_role(user, Role.ACCOUNTING_ASSISTANT)


def is_general_accountant(user) -> bool:
    return has_role(user, Role.GENERAL_ACCOUNTANT)


def exception_approver_role(user) -> str | None:
    """R-2h: the role under which `user` may approve a non-eligible expense, if any."""
    held = user_roles(user)
    for role in (Role.GENERAL_ADMINISTRATOR, Role.FINANCE_DIRECTOR):
        if role in held:
            return role.value
    return None


def _guards(settlement):
    def not_own(check):
        return lambda user, obj: not is_own(user, settlement) and bool(check(user))

    return {
        "traveler": lambda user, obj: is_own(user, settlement),
        "assistant": not_own(is_accounting_assistant),
        "accountant": not_own(is_general_accountant),
        "exception_approver": not_own(exception_approver_role),
    }


def settlement_actions(user, settlement) -> set[str]:
    """The actions `user` may take on `settlement` now (buttons shown = actions allowed): the
    rows of settlements.transitions.SETTLEMENT from its status whose guard `user` passes."""
    return SETTLEMENT.actions_for(user, settlement, _guards(settlement))
