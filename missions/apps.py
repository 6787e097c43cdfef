from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _traveler_panel(user) -> dict:
    from missions import selectors

    missions = list(selectors.missions_of_traveler(user)[:5])
    return {"rows": [(m, selectors.mission_next_step(m)) for m in missions]}


def _inbox_panel(user) -> dict:
    from missions import approvals, selectors

    waiting = selectors.awaiting_decision(user)
    return {
        "n_missions": len(waiting[approvals.MISSION][1]),
        "n_advances": len(waiting[approvals.ADVANCE][1]),
    }


def _stands_in(user) -> bool:
    from missions import approvals

    return approvals.stands_in(user)


def _delegation_section(user) -> dict:
    from missions import selectors

    return selectors.delegations_of(user)


def _treasury_panel(user) -> dict:
    from missions import selectors

    queue = selectors.disbursement_queue()
    return {"count": queue.count(), "priority": queue.filter(priority=True).count()}


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missions and per diem")

    def ready(self):
        from missions.privacy import register_privacy

        register_privacy()  # personal data declared to privacy (R-A8, R-T1…R-T4)
        from viaticos.files import register_file_field

        register_file_field("missions.Mission", "invitation_file", prefix="missions")

        from django.db.models.signals import post_delete, post_migrate, post_save

        from missions.countries import sync_countries_after_migrate

        # SPEC §2.1: every country is a destination out of the box.
        post_migrate.connect(
            sync_countries_after_migrate, sender=self, dispatch_uid="missions-countries"
        )

        from missions.models import Destination, Quote, Rate, RateTable
        from missions.rates import rate_cache_clear

        for model in (Destination, Quote, Rate, RateTable):
            post_save.connect(
                rate_cache_clear, sender=model, dispatch_uid=f"rates-{model.__name__}"
            )
            post_delete.connect(
                rate_cache_clear, sender=model, dispatch_uid=f"rates-del-{model.__name__}"
            )

        from viaticos.navigation import (
            HomePanel,
            NavItem,
            register_account_section,
            register_nav,
            register_panel,
        )
        from viaticos.roles import Role

        approvers = frozenset(
            {Role.PROJECT_COORDINATOR, Role.FINANCE_DIRECTOR, Role.EXECUTIVE_SECRETARY}
        )
        register_nav(
            NavItem(_("My missions"), "missions:list", frozenset({Role.TRAVELER}), order=10),
            NavItem(_("New mission"), "missions:new", frozenset({Role.TRAVELER}), order=11),
            NavItem(
                _("To approve"),
                "missions:inbox",
                approvers,
                order=20,
                badge="missions:inbox-badge",
            ),
            NavItem(
                _("Disbursements"), "missions:disbursements", frozenset({Role.TREASURY}), order=30
            ),
            NavItem(_("Per-diem calculator"), "per-diem-calculator", order=40),
            NavItem(
                _("Quotes"),
                "quote-list",
                roles=frozenset(
                    {Role.TRAVELER, Role.FINANCE_DIRECTOR, Role.GENERAL_ACCOUNTANT, Role.AUDITOR}
                ),
                order=45,
            ),
            NavItem(
                _("Budgets"),
                "missions:budgets",
                roles=frozenset(
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
                order=46,
            ),
        )
        register_account_section(
            HomePanel(
                "missions.delegations",
                _("Out of office: delegate my approvals"),
                "missions/panels/delegations.html",
                roles=approvers,
                also_for=_stands_in,
                order=20,
                context=_delegation_section,
            ),
        )
        register_panel(
            HomePanel(
                "traveler.missions",
                _("My missions"),
                "missions/panels/traveler.html",
                roles=frozenset({Role.TRAVELER}),
                order=10,
                context=_traveler_panel,
            ),
            HomePanel(
                "approver.inbox",
                _("Waiting for my decision"),
                "missions/panels/inbox.html",
                roles=approvers,
                order=20,
                context=_inbox_panel,
                # an alternate or a delegate without an approving role finds the inbox here
                also_for=_stands_in,
            ),
            HomePanel(
                "treasury.disbursements",
                _("Advances to disburse"),
                "missions/panels/treasury.html",
                roles=frozenset({Role.TREASURY}),
                order=30,
                context=_treasury_panel,
            ),
        )
