"""Settlements in the admin: read-only (the Auditor reads everything); every change goes through
settlements.services, which checks the status, locks and keeps the history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from missions.admin import MissionColumns
from settlements.models import Document, Receipt, Settlement, SettlementEvent
from viaticos.admin import ReadOnlyAdmin, ReadOnlyInline


class ReceiptInline(ReadOnlyInline):
    model = Receipt
    fields = (
        *("receipt_type", "category", "issuer_name", "number", "date", "currency", "amount"),
        *("amount_usd", "decision", "accepted_usd"),
    )
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("kind", "original_name", "content_type", "sha256", "created_at")
    readonly_fields = fields


class SettlementEventInline(ReadOnlyInline):
    model = SettlementEvent
    fields = ("at", "action", "actor", "comment")
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
