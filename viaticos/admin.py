from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from viaticos.models import ClosureDay, Organization, Project, TravelerProfile


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
