from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BooksConfig(AppConfig):
    name = "books"
    verbose_name = _("Books (journal)")

    def ready(self) -> None:
        from books import services
        from missions import hooks

        # Advances are paid and returned in missions, which never imports the books: the
        # services there report each money event through missions.hooks (one call per event).
        hooks.register_money_listener(services.post_money_event)

        from viaticos.navigation import NavItem, register_nav
        from viaticos.roles import Role

        register_nav(
            NavItem(
                _("Journal"),
                "books:journal",
                frozenset(
                    {
                        Role.GENERAL_ACCOUNTANT,
                        Role.ACCOUNTING_ASSISTANT,
                        Role.FINANCE_DIRECTOR,
                        Role.AUDITOR,
                    }
                ),
                order=70,
            ),
            NavItem(
                _("Donor report"),
                "books:donor-report",
                frozenset(
                    {
                        Role.PROJECT_COORDINATOR,
                        Role.FINANCE_DIRECTOR,
                        Role.EXECUTIVE_SECRETARY,
                        Role.GENERAL_ADMINISTRATOR,
                        Role.GENERAL_ACCOUNTANT,
                        Role.ACCOUNTING_ASSISTANT,
                        Role.AUDITOR,
                    }
                ),
                order=47,
            ),
        )
