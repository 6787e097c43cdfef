"""Who may see and act on settlements: pure predicates on loaded objects."""

from __future__ import annotations

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


def settlement_actions(user, settlement) -> set[str]:
    """The actions `user` may take on `settlement` now (buttons shown = actions allowed)."""
    S = settlement.Status
    own = is_own(user, settlement)
    actions: set[str] = set()
    if own and settlement.status in settlement.EDITABLE:
        actions |= {"edit", "submit"}
    if not own and is_accounting_assistant(user) and settlement.status == S.SUBMITTED:
        actions |= {"receive", "return"}
    if (
        not own
        and is_accounting_assistant(user)
        and settlement.stamping == settlement.Stamping.FAILED
        and settlement.status not in settlement.EDITABLE | {S.SUBMITTED}
    ):
        actions.add("stamp_again")  # a stamping run that failed
    if not own and is_general_accountant(user):
        if settlement.status == S.RECEIVED:
            actions |= {"review", "finish_review", "return"}
        if settlement.status == S.REVIEWED:
            actions |= {"settle", "return"}
        if settlement.status == S.SETTLED:
            actions.add("record_balance")
    if (
        not own
        and exception_approver_role(user)
        and settlement.status
        not in (
            S.SETTLED,
            S.CLOSED,
        )
    ):
        actions.add("approve_exception")
    return actions
