"""Deadlines and sanctions in the admin: read-only (the Auditor reads everything); every change
goes through deadlines.sanctions / deadlines.payroll, which check the state, lock and keep the
history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from deadlines.models import (
    DeadlineReminder,
    DocumentationRequirement,
    PayrollDeductionOrder,
    PayrollExport,
    Sanction,
)
from missions.admin import MissionColumns
from missions.privacy import staff_access_log
from viaticos.admin import MaskedFieldsAdmin, ReadOnlyAdmin


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
class PayrollDeductionOrderAdmin(MaskedFieldsAdmin, ReadOnlyAdmin):
    # The identity document number is on the order's page only, whose reading is logged; it is
    # masked there like the traveler profile's, "?reveal=1" shows it, logged (SPEC §5.4, R-S3).
    masked_fields = {"document_number": 3}
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

    def log_reveal(self, request, obj):
        staff_access_log(
            request,
            subject=obj.person,
            what=_("Identity document number revealed (deduction order %(code)s)")
            % {"code": obj.code},
            record_key=f"settlements.payrolldeductionorder:{obj.pk}",
        )
