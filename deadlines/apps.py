from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """Deadlines and sanctions (SPEC §4, R-3.3, R-3.4, R-3.13, R-8): due dates, reminders,
    documentation requirements, sanctions, payroll deductions and the daily job."""

    name = "deadlines"
    verbose_name = _("Deadlines and sanctions")

    def ready(self) -> None:
        from deadlines import errors, notices  # noqa: F401  (error codes; outbox result handler)
        from deadlines.home import register

        register()
