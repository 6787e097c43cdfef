from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from viaticos.models import (
    ClosureDay,
    ExchangeRate,
    ExchangeRateFeed,
    Organization,
    Project,
    TravelerProfile,
)


class _NoHandEdits:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(_NoHandEdits, admin.ModelAdmin):
    """Business records and evidence: readable in the admin (the Auditor has every view_*
    permission), changed only through the services, which check the status, lock and keep the
    history (R-P3, R-S3, R-T3 for the privacy evidence)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)


class ReadOnlyInline(_NoHandEdits, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "tax_id", "duty_city", "duty_country", "base_currency"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Organization.objects.exists()


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "donor", "coordinator", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "donor"]
    list_select_related = ["coordinator"]


@admin.register(TravelerProfile)
class TravelerProfileAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "entity_kind", "home_country"]
    list_filter = ["kind", "entity_kind"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    list_select_related = ["user"]


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reason"]
    date_hierarchy = "date"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin):
    """Read-mostly (R-3.10): rates arrive through `import_exchange_rates`; a correction keeps
    its history."""

    list_display = ["currency", "date", "units_per_usd", "source", "imported_at"]
    list_filter = ["currency", "source"]
    date_hierarchy = "date"
    search_fields = ["currency", "source"]
    readonly_fields = ["imported_at"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        """R-3.10: a rate added or corrected here reaches the receipts of its date, like one
        imported or fetched (viaticos.exchange.rates_changed)."""
        from django.db import transaction

        from viaticos.exchange import rates_changed

        changes: dict[str, set] = {}
        for currency, date in ((obj.currency, obj.date), *self._before(form)):
            changes.setdefault(currency.upper(), set()).add(date)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            rates_changed.send(sender=ExchangeRate, changes=changes)

    @staticmethod
    def _before(form):
        initial = form.initial
        if initial.get("currency") and initial.get("date"):
            return [(initial["currency"], initial["date"])]
        return []


@admin.register(ExchangeRateFeed)
class ExchangeRateFeedAdmin(ReadOnlyAdmin):
    """How the daily `fetch_exchange_rates` went for each central bank (R-3.10)."""

    list_display = [
        "country",
        "source",
        "currency",
        "last_attempt_at",
        "last_success_at",
        "latest_rate_date",
        "last_error",
    ]
