from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from viaticos.roles import sync_role_permissions

    sync_role_permissions()


class ViaticosConfig(AppConfig):
    name = "viaticos"
    verbose_name = _("Organization and people")

    def ready(self):
        from viaticos import (  # noqa: F401  (links, clients: register their checks)
            choices,
            clients,
            links,
        )
        from viaticos.accounts import connect_signals
        from viaticos.home import register_defaults

        register_defaults()
        connect_signals()
        choices.install(["viaticos", "missions", "settlements", "privacy"])
        # Permissions exist only after migrate; attach them to the role groups then.
        post_migrate.connect(_sync_roles, dispatch_uid="viaticos.sync_roles")
