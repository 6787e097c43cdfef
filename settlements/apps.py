from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    name = "settlements"
    verbose_name = _("Settlements")

    def ready(self) -> None:
        from missions.hooks import register_settlement_step
        from settlements.home import register
        from settlements.transitions import traveler_step

        register_settlement_step(traveler_step)  # the mission pages' next step (issue 17)

        register()
        from settlements.privacy import register_privacy

        register_privacy()  # personal data declared to privacy (R-A8, R-T1…R-T4)

        from settlements.fx import on_rates_changed
        from viaticos.exchange import rates_changed

        # receipts follow a rate published or corrected for their date.
        rates_changed.connect(on_rates_changed, dispatch_uid="settlements-receipts-follow-rates")
        from viaticos.files import register_file_field

        register_file_field("settlements.Document", "file", prefix="settlements")
        register_file_field("settlements.Document", "stamped_file", prefix="settlements")
        register_file_field("settlements.BuiltDocument", "file", prefix="settlements")
