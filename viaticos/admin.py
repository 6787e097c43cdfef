from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from viaticos import outbox
from viaticos.models import (
    ClosureDay,
    ExchangeRate,
    Organization,
    OutboxMessage,
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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Outgoing e-mails: what is queued, sent or undeliverable (with its error); undeliverable
    ones are queued again with the action (viaticos.outbox)."""

    list_display = ["created_at", "kind", "subject", "status", "attempts", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_retry_permission(self, request):
        # Nothing is edited by hand: the change permission only allows queueing again.
        return request.user.has_perm("viaticos.change_outboxmessage")

    @admin.action(
        description=_("Queue the selected undeliverable e-mails again"), permissions=["retry"]
    )
    def retry(self, request, queryset):
        count = outbox.outbox_retry(
            actor=request.user, message_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext("%(n)s e-mail queued again.", "%(n)s e-mails queued again.", count)
            % {"n": count},
        )
