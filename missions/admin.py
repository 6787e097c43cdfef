from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from missions import approvals
from missions.models import (
    Advance,
    ApprovalAlternate,
    BudgetLine,
    Delegation,
    Destination,
    DestinationSpend,
    Mission,
    MissionEvent,
    MissionLeg,
    ProjectSpend,
    Quote,
    Rate,
    RateTable,
)
from missions.services import quote_record
from viaticos.admin import ProjectAdmin, ReadOnlyAdmin, ReadOnlyInline
from viaticos.models import Project


@admin.register(Destination)
class DestinationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "country", "in_table_region"]
    list_filter = ["in_table_region", "country"]
    search_fields = ["code", "name", "name_en"]


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0
    autocomplete_fields = ["destination"]


@admin.register(RateTable)
class RateTableAdmin(SimpleHistoryAdmin):
    """R-3.8: finance edits the tables; overlapping validity for a destination is refused."""

    list_display = ["name", "valid_from", "valid_to", "lunch_share", "dinner_share", "source"]
    inlines = [RateInline]


@admin.register(Quote)
class QuoteAdmin(SimpleHistoryAdmin):
    """R-3.8b: quotes are recorded here and decided on the quotes page (never edited after)."""

    list_display = [
        "destination",
        "valid_from",
        "valid_to",
        "lodging",
        "meals",
        "status",
        "requested_by",
        "decided_by",
    ]
    list_filter = ["status", "destination"]
    list_select_related = ["destination", "requested_by", "decided_by"]
    autocomplete_fields = ["destination"]
    fields = [
        "destination",
        "lodging",
        "meals",
        "source",
        "valid_from",
        "valid_to",
        "comment",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = ["status", "requested_by", "requested_at", "decided_by", "decided_at"]

    def has_change_permission(self, request, obj=None):
        # Amounts that were (or may be) approved never change: record a new quote instead.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionError(_("Quotes cannot be changed once recorded."))
        data = form.cleaned_data
        saved = quote_record(
            actor=request.user,
            destination=data["destination"],
            lodging=data["lodging"],
            meals=data["meals"],
            source=data["source"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            comment=data.get("comment", ""),
        )
        obj.pk = saved.pk
        obj.requested_by = saved.requested_by


class MissionColumns:
    """Columns of a record that belongs to a mission (advances, events, settlements...)."""

    @admin.display(description=_("mission"))
    def mission_code(self, obj):
        return obj.mission.code

    @admin.display(description=_("traveler"))
    def traveler_name(self, obj):
        return obj.mission.traveler


class MissionLegInline(ReadOnlyInline):
    model = MissionLeg
    fields = ("order", "destination", "arrive_at", "leave_at")
    readonly_fields = fields


class MissionEventInline(ReadOnlyInline):
    model = MissionEvent
    fields = ("at", "action", "actor", "advance", "comment")
    readonly_fields = fields


@admin.register(Mission)
class MissionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "traveler", "project", "kind", "status", "departure_at", "return_at"]
    list_filter = ["status", "kind", "project"]
    list_select_related = ["traveler", "project"]
    search_fields = ["pk", "traveler__username", "traveler__last_name", "purpose"]
    date_hierarchy = "departure_at"
    exclude = ["invitation_file"]  # the letter is served (and logged, R-S3) by the mission page
    inlines = [MissionLegInline, MissionEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "invitation_file"]


@admin.register(Advance)
class AdvanceAdmin(MissionColumns, ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "mission_code", "traveler_name", "amount", "status", "disbursed_on"]
    list_filter = ["status", "priority", "method"]
    list_select_related = ["mission__traveler"]
    search_fields = [
        "pk",
        "mission__traveler__username",
        "mission__traveler__last_name",
        "reference",
    ]
    date_hierarchy = "requested_at"


@admin.register(MissionEvent)
class MissionEventAdmin(MissionColumns, ReadOnlyAdmin):
    list_display = ["at", "mission_code", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["mission", "actor"]
    search_fields = ["mission__pk", "comment"]


@admin.register(ProjectSpend)
class ProjectSpendAdmin(ReadOnlyAdmin):
    """The monthly totals behind the dashboard's spend charts (manage.py spend_totals checks
    them against the advances)."""

    list_display = ["month", "project", "amount"]
    list_select_related = ["project"]
    date_hierarchy = "month"


@admin.register(DestinationSpend)
class DestinationSpendAdmin(ReadOnlyAdmin):
    list_display = ["month", "destination", "amount"]
    list_select_related = ["destination"]
    date_hierarchy = "month"


class _ApprovalsChanged:
    """Who may approve what changes with these rows: the inbox counts are refreshed."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        approvals.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        approvals.changed()


@admin.register(ApprovalAlternate)
class ApprovalAlternateAdmin(_ApprovalsChanged, SimpleHistoryAdmin):
    """R-3.1d: alternates per project (or for every project) and approval."""

    list_display = ["slot", "project", "alternate", "priority", "note"]
    list_filter = ["slot", "project"]
    list_select_related = ["project", "alternate"]
    autocomplete_fields = ["alternate"]
    search_fields = ["alternate__username", "alternate__last_name", "project__code"]


class ApprovalAlternateInline(admin.TabularInline):
    model = ApprovalAlternate
    extra = 0
    autocomplete_fields = ["alternate"]
    fields = ["slot", "alternate", "priority", "note"]
    verbose_name = _("alternate approver")
    verbose_name_plural = _("alternate approvers (R-3.1d)")


admin.site.unregister(Project)


@admin.register(Project)
class ProjectWithAlternatesAdmin(ProjectAdmin):
    """The project with the alternates who stand in for its approvers."""

    inlines = [ApprovalAlternateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        approvals.changed()


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    """Delegations are created and ended by the people themselves (Mi cuenta); read here."""

    list_display = ["delegator", "delegate", "starts_on", "ends_on", "revoked_at", "reason"]
    list_filter = ["starts_on"]
    list_select_related = ["delegator", "delegate"]
    search_fields = ["delegator__username", "delegate__username"]


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    """SPEC §2.5: the donor-approved lines, edited by the Finance Director (every version kept
    in the history, with who and why). Bulk loads go through Presupuestos › Importar."""

    list_display = ["project", "code", "description", "amount", "period_start", "period_end"]
    list_filter = ["project"]
    list_select_related = ["project"]
    search_fields = ["code", "description", "project__code"]

    def has_delete_permission(self, request, obj=None):
        # Missions and the journal refer to lines: a line is changed, never deleted.
        return False

    def save_model(self, request, obj, form, change):
        obj._change_reason = "admin"
        super().save_model(request, obj, form, change)
        from missions.budgets import map_unmatched

        map_unmatched({obj.project_id})
