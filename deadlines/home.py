"""What deadlines and sanctions add to the navigation, the home page and the advance workflow."""

from django.utils.translation import gettext_lazy as _

from viaticos.navigation import HomePanel, NavItem, register_nav, register_panel
from viaticos.roles import Role

DASHBOARD_ROLES = frozenset({Role.GENERAL_ACCOUNTANT, Role.AUDITOR})


def _traveler_panel(user) -> dict:
    from deadlines.selectors import traveler_deadline_page

    page = traveler_deadline_page(user, per_page=5)
    return {"rows": page, "total": page.paginator.count}


def register() -> None:
    from deadlines.sanctions import entity_block_check
    from missions.hooks import register_advance_check

    register_advance_check(entity_block_check)
    register_nav(
        NavItem(_("My deadlines"), "deadlines:mine", frozenset({Role.TRAVELER}), order=31),
        NavItem(_("Deadlines"), "deadlines:dashboard", DASHBOARD_ROLES, order=45),
        NavItem(
            _("Payroll deductions"),
            "deadlines:payroll",
            frozenset({Role.GENERAL_ACCOUNTANT}),
            order=46,
        ),
    )
    register_panel(
        HomePanel(
            "traveler.deadlines",
            _("What I owe and by when"),
            "deadlines/panels/traveler.html",
            roles=frozenset({Role.TRAVELER}),
            order=11,
            context=_traveler_panel,
        )
    )
