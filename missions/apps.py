from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missions and per diem")

    def ready(self):
        from viaticos.navigation import NavItem, register_nav
        from viaticos.roles import Role

        register_nav(
            NavItem(_("Per-diem calculator"), "per-diem-calculator", order=40),
            NavItem(
                _("Quotes"),
                "quote-list",
                roles=frozenset(
                    {Role.TRAVELER, Role.FINANCE_DIRECTOR, Role.GENERAL_ACCOUNTANT, Role.AUDITOR}
                ),
                order=45,
            ),
        )
