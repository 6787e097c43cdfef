from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self):
        from privacy.declarations import register_builtin
        from privacy.home import register_home

        register_builtin()
        from viaticos.files import register_file_field

        register_file_field("privacy.ArcoAttachment", "storage_name", prefix="arco")
        register_file_field("privacy.ArcoRequest", "response_letter", prefix="arco")
        register_home()
        # checks: the provider check; incidents, services: their outbox builders and handlers
        from privacy import checks, incidents, services  # noqa: F401
