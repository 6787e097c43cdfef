"""Settlements, deadlines and sanctions in the admin: read-only (the Auditor reads everything);
every change goes through settlements.services / sanctions / payroll, which check the status,
lock and keep the history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from missions.admin import MissionColumns
from missions.privacy import staff_access_log
from settlements.models import (
    DeadlineReminder,
    Document,
    DocumentationRequirement,
    PayrollDeductionOrder,
    PayrollExport,
    Receipt,
    Sanction,
    Settlement,
    SettlementEvent,
)
from viaticos.admin import ReadOnlyAdmin, ReadOnlyInline


class ReceiptInline(ReadOnlyInline):
    model = Receipt
    fields = ["receipt_type", "category", "issuer_name", "number", "date", "currency", "amount"]
    fields += ["amount_usd", "decision", "accepted_usd"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["kind", "original_name", "content_type", "sha256", "created_at"]
    readonly_fields = fields


class SettlementEventInline(ReadOnlyInline):
    model = SettlementEvent
    fields = ["at", "action", "actor", "comment"]
    readonly_fields = fields


@admin.register(Settlement)
class SettlementAdmin(MissionColumns, ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "mission_code", "traveler_name", "status", "balance", "settled_on"]
    list_filter = ["status"]
    list_select_related = ["mission__traveler"]
    search_fields = ["pk", "mission__pk", "mission__traveler__username"]
    search_fields += ["mission__traveler__last_name"]
    date_hierarchy = "created_at"
    inlines = [ReceiptInline, DocumentInline, SettlementEventInline]

    def lookup_allowed(self, lookup, value, request=None):
        # One traveler's settlements (?mission__traveler__id__exact=N), without a filter panel
        # listing every traveler.
        return lookup == "mission__traveler__id__exact" or super().lookup_allowed(
            lookup, value, request
        )


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["number", "receipt_type", "category", "issuer_name", "date", "currency"]
    list_display += ["amount", "amount_usd", "decision", "settlement"]
    list_filter = ["receipt_type", "category", "decision", "currency"]
    list_select_related = ["settlement"]
    search_fields = ["number", "issuer_name", "issuer_tax_id"]
    date_hierarchy = "date"


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Metadata only: the file itself is served (and its reading logged, R-S3) by the
    settlement pages."""

    list_display = ["original_name", "kind", "settlement", "content_type", "created_at"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["settlement"]
    search_fields = ["original_name", "sha256"]
    exclude = ["file", "stamped_file"]

    def get_readonly_fields(self, request, obj=None):
        hidden = {"file", "stamped_file"}
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]


@admin.register(SettlementEvent)
class SettlementEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "settlement", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["settlement", "actor"]
    search_fields = ["settlement__pk", "comment"]


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(ReadOnlyAdmin):
    list_display = ["advance", "kind", "due_date", "sent_on"]
    list_filter = ["kind"]
    list_select_related = ["advance"]
    date_hierarchy = "sent_on"


@admin.register(DocumentationRequirement)
class DocumentationRequirementAdmin(MissionColumns, ReadOnlyAdmin):
    list_display = ["code", "mission_code", "traveler", "due_date", "issued_on", "issued_late"]
    list_display += ["amount", "resolved_on"]
    list_filter = ["issued_late"]
    list_select_related = ["mission", "traveler"]
    search_fields = ["pk", "traveler__username", "traveler__last_name"]
    date_hierarchy = "issued_on"


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "rule", "kind", "person", "state", "amount", "proposed_on"]
    list_filter = ["state", "kind", "rule", "legal_action"]
    list_select_related = ["person"]
    search_fields = ["pk", "person__username", "person__last_name", "entity_name"]
    date_hierarchy = "proposed_on"


@admin.register(PayrollExport)
class PayrollExportAdmin(ReadOnlyAdmin):
    list_display = ["period_start", "period_end", "file_format", "order_count", "total"]
    list_display += ["created_by", "created_at"]
    list_filter = ["file_format"]
    list_select_related = ["created_by"]


@admin.register(PayrollDeductionOrder)
class PayrollDeductionOrderAdmin(ReadOnlyAdmin):
    # The identity document number is on the order's page only, whose reading is logged.
    list_display = ["code", "person_name", "amount", "concept", "issued_on", "state"]
    list_filter = ["state"]
    list_select_related = ["person"]
    search_fields = ["pk", "person_name", "mission_reference"]
    date_hierarchy = "issued_on"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        if order is not None and self.has_view_permission(request, order):
            staff_access_log(
                request,
                subject=order.person,
                what=_("Identity document number (deduction order %(code)s)")
                % {"code": order.code},
                record_key=f"settlements.payrolldeductionorder:{order.pk}",
            )
        return super().change_view(request, object_id, form_url, extra_context)
