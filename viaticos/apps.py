from typing import Any

from django.apps import AppConfig
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender: object, **kwargs: object) -> None:
    from viaticos.roles import sync_role_permissions

    sync_role_permissions()


def _sqlite_parameter_limit(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """SQLite 3.32+ binds up to 32,766 parameters per statement; Django assumes the old 999
    and splits large inserts and IN lists into many more queries than needed."""
    import sqlite3

    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 32):
        connection.features.max_query_params = 32_766


class ViaticosConfig(AppConfig):
    name = "viaticos"
    verbose_name = _("Organization and people")

    def ready(self) -> None:
        from viaticos import (  # noqa: F401  (links, clients: register their checks)
            choices,
            clients,
            links,
        )
        from viaticos.accounts import connect_signals
        from viaticos.home import register_defaults
        from viaticos.sessions import connect_signals as connect_session_signals

        register_defaults()
        connect_signals()
        connect_session_signals()
        choices.install(["viaticos", "missions", "settlements", "privacy"])
        # Permissions exist only after migrate; attach them to the role groups then.
        post_migrate.connect(_sync_roles, dispatch_uid="viaticos.sync_roles")
        connection_created.connect(_sqlite_parameter_limit, dispatch_uid="viaticos.sqlite_limit")
