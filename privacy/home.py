"""The Privacy Officer's home panel and the navigation entries of the privacy app."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from viaticos.navigation import HomePanel, NavItem, register_nav, register_panel
from viaticos.roles import Role


def _queue_context(user) -> dict:
    from privacy.selectors import queue_counts

    return queue_counts(timezone.localdate())


def register_home() -> None:
    officer = frozenset({Role.PRIVACY_OFFICER, Role.AUDITOR})
    register_nav(
        NavItem(_("My data and consents"), "privacy:my-data", order=900),
        # The foundation pointed "My data and consents" at the account page; it keeps its own.
        NavItem(_("My account"), "account", order=950),
        NavItem(_("ARCO requests"), "privacy:queue", roles=officer, order=600),
        NavItem(_("Registers"), "privacy:registers", roles=officer, order=610),
        NavItem(_("Compliance"), "privacy:compliance", roles=officer, order=620),
        # R-S4: any staff member reports a security incident.
        NavItem(_("Report an incident"), "privacy:incident-new", order=940),
    )
    register_panel(
        HomePanel(
            "privacy.queue",
            _("ARCO requests"),
            "privacy/panels/queue.html",
            roles=frozenset({Role.PRIVACY_OFFICER}),
            order=60,
            context=_queue_context,
        )
    )
