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
        from privacy import services  # noqa: F401  (its outbox builders and result handlers)
        from privacy.selectors import blocked_subject_ids
        from viaticos.people import register_blocking

        def log_read(*, actor, person, what, record_key=""):
            services.access_log_record(
                actor=actor, what=what, subject=person, record_key=record_key
            )

        register_blocking(blocked_ids=blocked_subject_ids, log_read=log_read)
        from privacy.erasures import DELETED, erasure_record
        from viaticos.people import register_erasure_log

        register_erasure_log(lambda **record: erasure_record(scope=DELETED, **record))
        # checks: the provider check; incidents, services: their outbox builders and handlers
        from privacy import checks, incidents  # noqa: F401
