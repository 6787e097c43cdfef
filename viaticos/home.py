"""The home page panels every role starts with (empty states that say what will appear)."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from viaticos.navigation import HomePanel, NavItem, register_nav, register_panel
from viaticos.roles import Role

EMPTY = "viaticos/panels/empty_state.html"


def _empty(
    message: StrPromise, action: tuple[str, StrPromise] | None = None
) -> Callable[[object], dict[str, Any]]:
    return lambda user: {"empty_message": message, "empty_action": action}


def register_defaults() -> None:
    register_nav(
        NavItem(_("Home"), "home", order=0),
        NavItem(_("My data and consents"), "account", order=900),
        NavItem(
            _("Bank data changes"),
            "bank-approvals",
            frozenset({Role.GENERAL_ADMINISTRATOR, Role.FINANCE_DIRECTOR}),
            order=850,
        ),
        NavItem(
            _("Rules"),
            "rules",
            frozenset({Role.AUDITOR, Role.GENERAL_ACCOUNTANT}),
            order=850,
        ),
    )
    register_panel(
        HomePanel(
            "traveler.missions",
            _("My missions"),
            EMPTY,
            roles=frozenset({Role.TRAVELER}),
            order=10,
            context=_empty(
                _(
                    "Your missions and travel advances will appear here with their status, "
                    "the next step and the settlement deadline once you request one."
                )
            ),
        ),
        HomePanel(
            "approver.inbox",
            _("Waiting for my decision"),
            EMPTY,
            roles=frozenset(
                {Role.PROJECT_COORDINATOR, Role.FINANCE_DIRECTOR, Role.EXECUTIVE_SECRETARY}
            ),
            order=20,
            context=_empty(
                _(
                    "Missions and advances that need your authorization will appear here, "
                    "oldest first, with the per-diem breakdown to check before deciding."
                )
            ),
        ),
        HomePanel(
            "treasury.disbursements",
            _("Advances to disburse"),
            EMPTY,
            roles=frozenset({Role.TREASURY}),
            order=30,
            context=_empty(
                _(
                    "Approved advances waiting for payment will appear here; emergency "
                    "missions come first."
                )
            ),
        ),
        HomePanel(
            "accounting.inbox",
            _("Settlements to receive and review"),
            EMPTY,
            roles=frozenset({Role.ACCOUNTING_ASSISTANT, Role.GENERAL_ACCOUNTANT}),
            order=40,
            context=_empty(
                _(
                    "Settlements submitted by travelers will appear here to be received, "
                    'stamped "Liquidado" and reviewed, with overdue ones highlighted.'
                )
            ),
        ),
        HomePanel(
            "exceptions",
            _("Exceptions to decide"),
            EMPTY,
            roles=frozenset({Role.GENERAL_ADMINISTRATOR}),
            order=50,
            context=_empty(
                _(
                    "Requests to accept non-eligible expenses (laundry, minibar, alcohol) "
                    "will appear here for your decision (R-2h)."
                )
            ),
        ),
        HomePanel(
            "privacy.queue",
            _("ARCO requests"),
            EMPTY,
            roles=frozenset({Role.PRIVACY_OFFICER}),
            order=60,
            context=_empty(
                _(
                    "Requests filed by data subjects through the public form will appear "
                    "here, ordered by legal deadline, with those due soon and late marked."
                )
            ),
        ),
        HomePanel(
            "auditor.overview",
            _("Audit"),
            EMPTY,
            roles=frozenset({Role.AUDITOR}),
            order=70,
            context=_empty(
                _(
                    "You can read every record and its history in the administration site; "
                    "nothing can be changed with this role."
                ),
                action=("admin:index", _("Open the administration site")),
            ),
        ),
    )
