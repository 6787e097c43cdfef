"""What settlements adds to the navigation and the home page (replaces the foundation's
empty "accounting.inbox" and "exceptions" panels)."""

from django.utils.translation import gettext_lazy as _

from viaticos.navigation import HomePanel, NavItem, register_nav, register_panel
from viaticos.roles import Role

ACCOUNTING = frozenset({Role.ACCOUNTING_ASSISTANT, Role.GENERAL_ACCOUNTANT})


def _inbox(user):
    from settlements.selectors import inbox_to_receive, inbox_to_review

    return {"to_receive": inbox_to_receive().count(), "to_review": inbox_to_review().count()}


def _exceptions(user):
    from settlements.selectors import exceptions_to_decide

    return {"receipts": list(exceptions_to_decide()[:20])}


def register() -> None:
    register_nav(
        NavItem(
            _("My settlements"), "settlements:list", roles=frozenset({Role.TRAVELER}), order=30
        ),
        NavItem(_("Settlements inbox"), "settlements:inbox", roles=ACCOUNTING, order=40),
        NavItem(
            _("Payments"),
            "settlements:payments",
            roles=frozenset({Role.TREASURY, Role.FINANCE_DIRECTOR, Role.AUDITOR}),
            order=31,
        ),
    )
    register_panel(
        HomePanel(
            "accounting.inbox",
            _("Settlements to receive and review"),
            "settlements/panels/inbox.html",
            roles=ACCOUNTING,
            order=40,
            context=_inbox,
        ),
        HomePanel(
            "exceptions",
            _("Exceptions to decide"),
            "settlements/panels/exceptions.html",
            roles=frozenset({Role.GENERAL_ADMINISTRATOR, Role.FINANCE_DIRECTOR}),
            order=50,
            context=_exceptions,
        ),
    )
